package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale record whose datetime cannot be parsed must not reach central as a record with a
 * null timestamp: under latest_wins a null would lose to nothing and replace a newer record.
 */
class InvalidDatetimeRecordTest {
    private static final String ACCOUNT = "123456789012";

    @TempDir
    Path root;

    private SyncResult push(LocalStorageAdapter central, RecordKind kind, String name, String scan) {
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central")
                .conflictResolution(ConflictResolution.LATEST_WINS).build(), central);
        sync.addScanFile(kind, name, () -> new ByteArrayInputStream(scan.getBytes(StandardCharsets.UTF_8)),
                ACCOUNT, "aws");
        return sync.sync();
    }

    private static Map<String, Object> stored(LocalStorageAdapter central, String path) {
        return JsonParser.parseObject(new String(central.readRecord(path).orElseThrow().content(),
                StandardCharsets.UTF_8));
    }

    @Test
    void invalidFindingDatetimeIsAnErrorNamingFileLineFieldAndValueAndCentralKeepsItsRecord() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        assertTrue(push(central, RecordKind.FINDING, "findings.jsonl",
                "{\"id\": \"f-1\", \"title\": \"newer\", \"last_seen\": \"2026-03-01T00:00:00Z\"}\n").success());
        String path = RecordPaths.findingPath("aggregated", ACCOUNT, "f-1");

        List<String> bad = List.of("\"2026-01-01T24:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"",
                "\"2026-01-01T00:00:00+24:00\"", "\"garbage\"", "17", "true");
        StringBuilder scan = new StringBuilder("{\"id\": \"f-ok\"}\n");
        for (String value : bad) {
            scan.append("{\"id\": \"f-1\", \"title\": \"stale\", \"last_seen\": ").append(value).append("}\n");
        }
        scan.append("{\"id\": \"f-1\", \"title\": \"stale\", \"first_seen\": \"garbage\"}\n");
        SyncResult result = push(central, RecordKind.FINDING, "findings.jsonl", scan.toString());

        assertEquals(1, result.recordsSynced(), result.errors().toString());
        assertEquals(bad.size() + 1, result.errors().size(), result.errors().toString());
        for (int i = 0; i < bad.size(); i++) {
            String value = bad.get(i).startsWith("\"") ? "'" + bad.get(i).replace("\"", "") + "'" : bad.get(i);
            String error = result.errors().get(i);
            assertTrue(error.startsWith("findings.jsonl line " + (i + 2) + ": invalid last_seen " + value + ": "), error);
        }
        String last = result.errors().get(bad.size());
        assertTrue(last.startsWith("findings.jsonl line " + (bad.size() + 2) + ": invalid first_seen 'garbage': "), last);
        assertFalse(result.success());
        Map<String, Object> kept = stored(central, path);
        assertEquals("newer", kept.get("title"));
        assertEquals("2026-03-01T00:00:00+00:00", kept.get("last_seen"));
    }

    @Test
    void invalidAssetDatetimeIsAnErrorAndCentralKeepsItsRecord() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        assertTrue(push(central, RecordKind.ASSET, "assets.jsonl",
                "{\"id\": \"a-1\", \"name\": \"newer\", \"last_seen\": \"2026-03-01T00:00:00Z\"}\n").success());

        SyncResult result = push(central, RecordKind.ASSET, "assets.jsonl",
                "{\"id\": \"a-1\", \"name\": \"stale\", \"last_seen\": \"2026-02-30T00:00:00Z\"}\n"
                        + "{\"id\": \"a-1\", \"name\": \"stale\", \"created_at\": false}\n");

        assertEquals(List.of(), result.errors().stream()
                .filter(e -> !e.startsWith("assets.jsonl line 1: invalid last_seen '2026-02-30T00:00:00Z': ")
                        && !e.startsWith("assets.jsonl line 2: invalid created_at false: ")).toList());
        assertEquals(2, result.errors().size(), result.errors().toString());
        assertEquals("newer", stored(central, RecordPaths.assetPath("aggregated", ACCOUNT, "a-1")).get("name"));
    }
}
