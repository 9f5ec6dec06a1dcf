package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local scan file larger than the heap is pushed in memory bounded by a batch: the CLI in a
 * child JVM with a 64 MB heap pushes a ~100 MB findings.jsonl of 40 KB records. Nothing on the
 * way (locating the file, checking it exists, reading it) may hold the whole file.
 */
@org.junit.jupiter.api.Tag("slow")
class LargeLocalScanMemoryTest {
    private static final int RECORDS = 2_500;
    private static final int RECORD_BYTES = 40 * 1024;

    @TempDir
    Path dir;

    private static void writeScan(Path file) throws IOException {
        byte[] pad = "d".repeat(RECORD_BYTES).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < RECORDS; i++) {
                out.write(String.format("{\"id\": \"f-%05d\", \"severity\": \"high\", \"last_seen\": "
                        + "\"2026-01-01T00:00:00Z\", \"description\": \"", i).getBytes(StandardCharsets.US_ASCII));
                out.write(pad);
                out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void aFindingsFileLargerThanTheHeapIsPushed() throws IOException {
        Path scan = dir.resolve("findings.jsonl");
        writeScan(scan);
        long size = Files.size(scan);
        assertEquals(true, size > 100_000_000L, "the scan must outgrow the 64 MB heap: " + size);

        CliProcess.Result run = CliProcess.run(List.of("-Xmx64m"), Map.of(), Duration.ofMinutes(3),
                "push", "--source", scan.toString(), "--central", dir.resolve("central").toString(),
                "--account", "123456789012", "--provider", "aws", "--batch-size", "50", "--json");

        assertFalse(run.err().contains("OutOfMemoryError"), run.err());
        assertEquals(0, run.exitCode(), run.err());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        assertEquals((long) RECORDS, result.get("records_synced"), run.out());
    }
}
