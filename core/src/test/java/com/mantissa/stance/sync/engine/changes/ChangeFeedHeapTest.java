package com.mantissa.stance.sync.engine.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A first push of 100,000 new findings records all 100,000 changes in an 80 MB heap: a child JVM
 * pushes them ({@link ChangeFeedHeapMain}). Held in memory until the push ends and written as
 * one object, as they once were, those changes took the push past 128 MB.
 */
@Tag("slow")
class ChangeFeedHeapTest {
    private static final int FINDINGS = 100_000;

    @Test
    void aPushOfManyChangesRecordsThemAllInBoundedMemory() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx80m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ChangeFeedHeapMain.class.getName(), Integer.toString(FINDINGS))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kv : out.strip().split("\n")[0].split(" ")) {
            String[] parts = kv.split("=");
            counts.put(parts[0], Long.parseLong(parts[1]));
        }
        assertEquals(FINDINGS, counts.get("synced"), out);
        assertEquals(0, counts.get("errors"), out);
        assertEquals(FINDINGS, counts.get("told"), "every change comes back to the caller: " + out);
        assertEquals(FINDINGS, counts.get("feedLines"), "every change is in the feed: " + out);
        assertTrue(counts.get("feedObjects") > 1, "the feed is written in parts: " + out);
        assertTrue(counts.get("largestFeedObject") <= ChangeFeed.PART_BYTES, out);
    }
}
