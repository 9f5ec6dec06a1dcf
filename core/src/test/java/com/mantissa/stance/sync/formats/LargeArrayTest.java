package com.mantissa.stance.sync.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An OCSF array larger than the heap pushes through: a child JVM with a 32 MB heap streams a
 * generated 96 MB array (with one malformed element) and maps every element. Were the array
 * held, or every element kept, the child would run out of memory.
 */
@org.junit.jupiter.api.Tag("slow")
class LargeArrayTest {
    private static final long BYTES = 96L * 1024 * 1024;
    private static final int BAD = 1234;

    @Test
    void anArrayLargerThanTheHeapStreamsThroughInBoundedMemory() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LargeArrayMain.class.getName(), Long.toString(BYTES), Integer.toString(BAD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kv : lines[0].split(" ")) {
            String[] parts = kv.split("=");
            counts.put(parts[0], Long.parseLong(parts[1]));
        }
        assertTrue(counts.get("bytes") >= BYTES, out);
        assertTrue(counts.get("bytes") > 2 * counts.get("heap"), "the input is over twice the heap: " + out);
        long elements = counts.get("elements");
        assertEquals(elements - 1, counts.get("findings"), out);
        assertEquals(LargeArrayMain.RESOURCES, counts.get("assets"), out);
        assertEquals(1, counts.get("errors"), out);
        assertTrue(lines[1].startsWith("error=large.ocsf.json element " + BAD + " (line " + BAD + "): time_dt 'not a time "),
                lines[1]);
    }
}
