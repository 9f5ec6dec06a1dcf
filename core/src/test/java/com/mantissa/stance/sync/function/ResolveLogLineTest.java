package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function's log line says what the push's resolve pass did: how many findings it resolved and
 * why, and how many it left because the snapshot did not look where they lie; and how many
 * findings came back.
 */
class ResolveLogLineTest {
    @TempDir
    Path dir;

    void writeScan(Path scan, String findings, String assets) throws IOException {
        Files.createDirectories(scan);
        Files.writeString(scan.resolve("findings.jsonl"), findings);
        Files.writeString(scan.resolve("assets.jsonl"), assets);
    }

    @Test
    void theScheduleLineCountsResolvedNotCoveredAndReopened() throws IOException {
        Path scan = dir.resolve("scan");
        String east = "{\"id\": \"b-east\", \"region\": \"us-east-1\", \"resource_type\": \"s3_bucket\"}\n";
        String west = "{\"id\": \"b-west\", \"region\": \"eu-west-1\", \"resource_type\": \"s3_bucket\"}\n";
        String fEast = "{\"id\": \"f-east\", \"asset_id\": \"b-east\", \"status\": \"open\"}\n";
        String fWest = "{\"id\": \"f-west\", \"asset_id\": \"b-west\", \"status\": \"open\"}\n";
        String fStays = "{\"id\": \"f-stays\", \"asset_id\": \"b-east\", \"status\": \"open\"}\n";
        writeScan(scan, fEast + fWest + fStays, east + west);
        Map<String, String> env = Map.of(FunctionSettings.CENTRAL_URI, dir.resolve("central").toString(),
                FunctionSettings.SOURCES, scan.toUri() + "|111111111111|aws",
                LifecycleSettings.RESOLVE_MISSING, "true", LifecycleSettings.RESOLVE_MAX_SHARE, "1");
        SyncFunction function = SyncFunction.fromEnvironment(env);
        LogEntry first = line(function);
        assertTrue(first.result().success(), first.toJson());

        writeScan(scan, fStays, east);
        LogEntry resolved = line(function);
        Map<String, Object> json = JsonParser.parseObject(resolved.toJson());
        assertEquals(Map.of("resolved", 1L, "resolved_by_reason", Map.of("fixed", 1L, "resource_deleted", 0L,
                "missing_from_scan", 0L), "already_resolved", 0L, "not_covered", 1L, "assets_removed", 0L,
                "assets_not_covered", 1L, "reopened", 0L), json.get("resolve"), resolved.toJson());
        assertTrue(resolved.message().contains("1 resolved, 1 not covered, 0 reopened"), resolved.message());

        writeScan(scan, fEast + fStays, east);
        LogEntry reopened = line(function);
        assertEquals(1L, ((Map<?, ?>) JsonParser.parseObject(reopened.toJson()).get("resolve")).get("reopened"),
                reopened.toJson());
    }

    @Test
    void aTickOfASnapshotUnchangedSinceItsLastPassSaysSo() throws IOException {
        Path scan = dir.resolve("scan");
        String east = "{\"id\": \"b-east\", \"region\": \"us-east-1\", \"resource_type\": \"s3_bucket\"}\n";
        String fEast = "{\"id\": \"f-east\", \"asset_id\": \"b-east\", \"status\": \"open\"}\n";
        String fGone = "{\"id\": \"f-gone\", \"asset_id\": \"b-east\", \"status\": \"open\"}\n";
        writeScan(scan, fEast + fGone, east);
        Map<String, String> env = Map.of(FunctionSettings.CENTRAL_URI, dir.resolve("central").toString(),
                FunctionSettings.SOURCES, scan.toUri() + "|111111111111|aws",
                LifecycleSettings.RESOLVE_MISSING, "true", LifecycleSettings.RESOLVE_MAX_SHARE, "1");
        SyncFunction function = SyncFunction.fromEnvironment(env);
        assertTrue(line(function).result().success());
        writeScan(scan, fEast, east);
        assertEquals(1L, ((Map<?, ?>) JsonParser.parseObject(line(function).toJson()).get("resolve"))
                .get("resolved"), "f-gone");
        LogEntry remembered = line(function);
        assertEquals(null, ((Map<?, ?>) JsonParser.parseObject(remembered.toJson()).get("resolve"))
                .get("unchanged_since_last_pass"), "the pass that found nothing to do runs, and is remembered");

        LogEntry unchanged = line(function);

        Map<String, Object> json = JsonParser.parseObject(unchanged.toJson());
        assertTrue(unchanged.result().success(), unchanged.toJson());
        assertEquals(Map.of("resolved", 0L, "resolved_by_reason", Map.of("fixed", 0L, "resource_deleted", 0L,
                "missing_from_scan", 0L), "already_resolved", 1L, "not_covered", 0L, "assets_removed", 0L,
                "assets_not_covered", 0L, "unchanged_since_last_pass", 1L, "reopened", 0L), json.get("resolve"),
                unchanged.toJson());
    }

    private static LogEntry line(SyncFunction function) {
        List<LogEntry> entries = function.handle(List.of(FunctionEvent.tick("t", "schedule"))).entries();
        assertEquals(1, entries.size());
        return entries.get(0);
    }
}
