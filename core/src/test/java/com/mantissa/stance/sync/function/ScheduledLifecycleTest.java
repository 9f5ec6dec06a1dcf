package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.AccountStatus;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduledLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void functionsDoNotResolveByDefaultAndReadTheLifecycleVariables() {
        LifecycleSettings defaults = LifecycleSettings.fromEnvironment(Map.of());
        assertNull(FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI, "s3://c")).push().resolve());
        assertEquals(0.5, FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI, "s3://c",
                LifecycleSettings.RESOLVE_MISSING, "true")).push().resolve().maxShare());
        assertNull(defaults.exportTarget());
        assertEquals(Duration.ofHours(48), defaults.staleAfter());

        LifecycleSettings set = LifecycleSettings.fromEnvironment(Map.of(LifecycleSettings.RESOLVE_MISSING, "no",
                LifecycleSettings.EXPORT_TARGET, "s3://reports/export", LifecycleSettings.EXPORT_KEEP, "5",
                LifecycleSettings.STALE_AFTER, "7d"));
        assertEquals("s3://reports/export", set.exportTarget().toString());
        assertEquals(5, set.exportKeep());
        assertEquals(Duration.ofDays(7), set.staleAfter());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI, "s3://c",
                        LifecycleSettings.RESOLVE_MAX_SHARE, "2")));
        assertTrue(bad.getMessage().contains(LifecycleSettings.RESOLVE_MAX_SHARE), bad.getMessage());
    }

    @Test
    void theScheduleExportsAndWarnsOncePerStaleAccount() throws Exception {
        Path central = dir.resolve("central");
        Path scan = dir.resolve("scan/findings/20261130-060000");
        Files.createDirectories(scan);
        Files.writeString(scan.resolve("findings.jsonl"), "{\"id\": \"f-1\"}\n{\"id\": \"f-2\", \"status\": \"resolved\"}\n");
        Files.createDirectories(dir.resolve("scan/snapshots"));
        Files.writeString(dir.resolve("scan/snapshots/manifest.json"), "{\"snapshots\": [{\"id\": \"20261130-060000\"}]}");
        LocalStorageAdapter store = new LocalStorageAdapter(central);
        new AccountStatus("999", "gcp", Instant.parse("2026-01-01T00:00:00Z"), "old", 0, 0, 0, 0)
                .store(store, "aggregated");
        SyncFunction function = SyncFunction.fromEnvironment(Map.of(
                FunctionSettings.CENTRAL_URI, central.toString(),
                FunctionSettings.SOURCES, dir.resolve("scan").toUri() + "|123|aws",
                LifecycleSettings.EXPORT_TARGET, dir.resolve("export").toString()));
        LogEntry entry = function.handle(List.of(FunctionEvent.tick("t-1", "schedule"))).entries().get(0);
        SyncResult scheduled = entry.result();
        assertTrue(scheduled.success(), scheduled.errors().toString());
        // The schedule's cost includes its export's: central is listed in sixteen pages per kind,
        // and the export writes both files and its state; the push itself lists nothing.
        assertTrue(entry.requests().lists() >= 32, entry.requests().toString());

        List<String> warnings = new ArrayList<>();
        try (Stores stores = new Stores()) {
            SyncResult result = ScheduledLifecycle.run(function.settings().orElseThrow(), stores::open,
                    Clock.fixed(Instant.now(), ZoneOffset.UTC), warnings::add).result();
            assertTrue(result.success());
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("stale account 999 (gcp): last push 2026-01-01T00:00:00+00:00"),
                warnings.get(0));
        AccountStatus pushed = AccountStatus.load(store, "aggregated", "123").orElseThrow();
        assertEquals(List.of(2L, 1L, 1L), List.of(pushed.findings(), pushed.open(), pushed.resolved()));
        assertEquals("20261130-060000", pushed.snapshot());
        assertTrue(Files.readString(dir.resolve("export/snapshots/manifest.json")).contains("\"finding_count\": 2"));
    }
}
