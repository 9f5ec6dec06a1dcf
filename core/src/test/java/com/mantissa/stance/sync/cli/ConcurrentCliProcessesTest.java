package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVMs pushing overlapping records into one central folder: the local store's
 * conditional writes hold between processes (OS file locks), so no update is lost.
 */
@org.junit.jupiter.api.Tag("slow")
class ConcurrentCliProcessesTest {
    private static final int PROCESSES = 4;
    private static final int RECORDS = 30;

    @Test
    void racingProcessesLoseNoUpdateAndVersionsAddUp(@TempDir Path dir) throws Exception {
        Path central = dir.resolve("central");
        List<CliProcess.Running> processes = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            Path scan = dir.resolve("scan-" + p + ".jsonl");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < RECORDS; i++) {
                lines.append(String.format("{\"id\": \"race-%d\", \"title\": \"p%d\", \"last_seen\": \"2024-01-01T00:00:%02d\"}%n",
                        i, p, p));
            }
            Files.writeString(scan, lines);
            processes.add(CliProcess.start(Map.of(), "push", "--source", scan.toString(), "--central",
                    central.toString(), "--account", "123", "--provider", "aws", "--kind", "findings",
                    "--concurrency", "4", "--json"));
        }
        long accepted = 0;
        for (CliProcess.Running process : processes) {
            CliProcess.Result run = process.await(Duration.ofSeconds(120));
            assertEquals(0, run.exitCode(), run.err());
            Map<String, Object> result = JsonParser.parseObject(run.out().strip());
            assertEquals(List.of(), result.get("errors"));
            accepted += (Long) result.get("records_synced");
        }

        LocalStorageAdapter store = new LocalStorageAdapter(central);
        long versions = 0;
        for (int i = 0; i < RECORDS; i++) {
            Map<String, Object> record = read(store, RecordPaths.findingPath("aggregated", "123", "race-" + i));
            assertEquals("p" + (PROCESSES - 1), record.get("title"), "the newest last_seen wins");
            assertEquals(Checksums.recordChecksum(record), record.get("_checksum"));
            versions += (Long) record.get("_version");
        }
        assertEquals(accepted, versions, "every accepted write is counted in _version");
    }

    private static Map<String, Object> read(LocalStorageAdapter store, String path) throws IOException {
        byte[] bytes = store.readRecord(path).orElseThrow(() -> new IOException("missing " + path)).content();
        return JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8));
    }
}
