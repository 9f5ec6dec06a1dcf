package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.ExportOperation;
import com.mantissa.stance.sync.engine.ExportResult;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncProgressTest {
    @Test
    void toldTheRecordsDoneAfterEachBatchAndThePullTotal() {
        MemoryStore central = new MemoryStore();
        List<Map<String, Object>> findings = findings(2_500);
        List<String> calls = new ArrayList<>();
        SyncConfig push = SyncConfig.builder("central").batchSize(1_000).concurrency(4).includeAssets(false).build();
        CrossCloudSync sync = new CrossCloudSync(push, central).progress((done, total) -> calls.add(done + "/" + total));
        sync.addLocalFindings(findings, "123456789012", "aws");
        sync.sync();
        assertEquals(List.of("1000/-1", "2000/-1", "2500/-1"), calls);

        calls.clear();
        SyncConfig pull = push.toBuilder().syncDirection(SyncDirection.PULL).build();
        new CrossCloudSync(pull, central).progress((done, total) -> calls.add(done + "/" + total)).sync();
        assertEquals(List.of("1000/2500", "2000/2500", "2500/2500"), calls);
    }

    @Test
    void aPushOfScanFilesOfKnownSizeTellsHowMuchOfThemItHasRead() {
        MemoryStore spoke = new MemoryStore();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2_500; i++) {
            lines.append("{\"id\": \"f-").append(i).append("\", \"last_seen\": \"2026-11-24T06:00:00Z\"}\n");
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        spoke.writeRecord("scan/findings.jsonl", bytes);
        List<String> calls = new ArrayList<>();
        SyncConfig push = SyncConfig.builder("central").batchSize(1_000).concurrency(4).includeAssets(false).build();
        CrossCloudSync sync = new CrossCloudSync(push, new MemoryStore()).progress(new SyncProgress() {
            @Override
            public void recordsDone(long done, long total) {
                calls.add(done + "/" + total);
            }

            @Override
            public void bytesRead(long read, long size) {
                calls.add("bytes " + read + "/" + size);
            }
        });
        sync.addScanFiles(spoke, ScanLocator.locate(spoke, "scan/findings.jsonl", null), "123456789012", "aws");
        sync.sync();

        assertEquals(6, calls.size(), calls.toString());
        assertEquals(List.of("1000/-1", "2000/-1", "2500/-1"), List.of(calls.get(1), calls.get(3), calls.get(5)));
        assertEquals("bytes " + bytes.length + "/" + bytes.length, calls.get(4), "the last batch read it all");
        long firstRead = Long.parseLong(calls.get(0).substring(6, calls.get(0).indexOf('/')));
        assertTrue(firstRead > 0 && firstRead < bytes.length, calls.get(0));
    }

    @Test
    void anExportIsToldTheRecordsItHasExportedAsItGoes() {
        MemoryStore central = new MemoryStore();
        List<Map<String, Object>> findings = findings(2_500);
        SyncConfig push = SyncConfig.builder("central").includeAssets(false).build();
        CrossCloudSync sync = new CrossCloudSync(push, central);
        sync.addLocalFindings(findings, "123456789012", "aws");
        sync.sync();
        List<Long> done = new ArrayList<>();

        ExportResult result = new ExportOperation(central, push.centralPrefix(), new MemoryStore(), "scan")
                .concurrency(4, 1_000).progress((records, total) -> done.add(records)).run();

        assertEquals(2_500, result.findings());
        assertTrue(done.size() >= 2, done.toString());
        for (int i = 1; i < done.size(); i++) {
            assertTrue(done.get(i) > done.get(i - 1), done.toString());
        }
        assertEquals(2_500L, done.get(done.size() - 1), done.toString());
    }

    @Test
    void anExportIsToldAboutHowManyRecordsTheLastExportHeldForItsEstimate() {
        MemoryStore central = new MemoryStore();
        MemoryStore target = new MemoryStore();
        SyncConfig push = SyncConfig.builder("central").includeAssets(false).build();
        CrossCloudSync sync = new CrossCloudSync(push, central);
        sync.addLocalFindings(findings(300), "123456789012", "aws");
        sync.sync();
        List<Long> expected = new ArrayList<>();
        SyncProgress progress = new SyncProgress() {
            @Override
            public void recordsDone(long done, long total) {
            }

            @Override
            public void recordsExpectedAbout(long records) {
                expected.add(records);
            }
        };

        new ExportOperation(central, push.centralPrefix(), target, "scan").progress(progress).run();
        assertEquals(List.of(), expected, "a first export has nothing to go by");
        sync.addLocalFindings(findings(400), "123456789012", "aws");
        sync.sync();
        ExportResult second = new ExportOperation(central, push.centralPrefix(), target, "scan").progress(progress)
                .run();

        assertEquals(400, second.findings());
        assertEquals(List.of(300L), expected);
    }

    private static List<Map<String, Object>> findings(int n) {
        List<Map<String, Object>> findings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            findings.add(Map.of("id", "f-" + i, "last_seen", "2026-11-24T06:00:00Z"));
        }
        return findings;
    }
}
