package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.engine.FolderCentral.ACCOUNT;
import static com.mantissa.stance.sync.engine.FolderCentral.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossCloudSyncTest {
    @TempDir
    Path root;
    FolderCentral folder;
    LocalStorageAdapter central;

    @BeforeEach
    void setUp() {
        folder = new FolderCentral(root.resolve("central"));
        central = folder.store;
    }

    @Test
    void pushWritesEveryFindingAtItsPathWithChecksumAndVersionOne() {
        SyncResult result = folder.push(ConflictResolution.LATEST_WINS,
                List.of(finding("f-1", "2024-01-01T00:00:00Z", "a"), finding("f-2", null, "b")));

        assertTrue(result.success(), result.errors().toString());
        assertEquals(2, result.recordsSynced());
        Map<String, Object> record = folder.stored("f-1");
        assertEquals("high", record.get("severity"));
        assertEquals("2024-01-01T00:00:00+00:00", record.get("last_seen"));
        assertEquals(1L, record.get("_version"));
        assertEquals(ACCOUNT, record.get("_source_account"));
        assertEquals("aws", record.get("_source_provider"));
        assertEquals(Checksums.recordChecksum(record), record.get("_checksum"));
    }

    @Test
    void rePushOfUnchangedRecordsSkipsThemWithoutWriting() {
        List<Map<String, Object>> findings = List.of(finding("f-1", "2024-01-01T00:00:00Z", "a"));
        folder.push(ConflictResolution.LOCAL_WINS, findings);
        String before = central.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "f-1")).orElseThrow()
                .versionToken();

        SyncResult again = folder.push(ConflictResolution.LOCAL_WINS, findings);

        assertEquals(0, again.recordsSynced());
        assertEquals(1, again.recordsSkipped());
        assertEquals(before, central.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "f-1")).orElseThrow()
                .versionToken());
    }

    @Test
    void assetsAreIgnoredWhenIncludeAssetsIsFalse() {
        CrossCloudSync sync = new CrossCloudSync(folder.config().includeAssets(false).build(), central);
        sync.addLocalAssets(List.of(Map.of("id", "asset-1")), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        assertEquals(0, result.recordsSynced());
        assertFalse(java.nio.file.Files.exists(root.resolve("central")), "nothing is written, not even the folder");
    }

    @Test
    void hostileIdsArePerRecordErrorsAndNeverWritten() {
        List<Map<String, Object>> findings = List.of(finding("../../escape", null, "x"), finding("/abs", null, "x"),
                finding("a\\b", null, "x"), finding("ok-1", null, "fine"));

        SyncResult result = folder.push(ConflictResolution.LATEST_WINS, findings);

        assertEquals(3, result.errors().size(), result.errors().toString());
        assertEquals(1, result.recordsSynced());
        assertTrue(result.errors().get(0).startsWith("findings[0]: "), result.errors().get(0));
        try (Stream<Path> files = Files.walk(root)) {
            // The account's push index and its change feed are the files besides records that a push keeps in central.
            Path index = root.resolve("central").resolve(CrossCloudSync.indexPath("aggregated", ACCOUNT));
            Path feed = root.resolve("central/aggregated/_changes");
            List<Path> written = files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains(".stance-sync") && !p.equals(index) && !p.startsWith(feed))
                    .collect(Collectors.toList());
            assertEquals(1, written.size(), written.toString());
            assertTrue(written.get(0).startsWith(root.resolve("central/aggregated/findings")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void scanFileErrorsNameTheFileAndLineAndGoodRecordsStillSync() {
        String scan = String.join("\n",
                "{\"id\": \"f-1\", \"severity\": \"high\"}",
                "",
                "{not json",
                "{\"id\": \"f-2\", \"severity\": \"urgent\"}",
                "[1, 2]",
                "{\"id\": \"f-3\"}") + "\n";
        CrossCloudSync sync = new CrossCloudSync(folder.config().build(), central);
        sync.addScanFile(RecordKind.FINDING, "findings.jsonl",
                () -> new ByteArrayInputStream(scan.getBytes(StandardCharsets.UTF_8)), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        assertEquals(2, result.recordsSynced());
        assertEquals(3, result.errors().size(), result.errors().toString());
        assertTrue(result.errors().get(0).startsWith("findings.jsonl line 3: "), result.errors().get(0));
        assertTrue(result.errors().get(1).startsWith("findings.jsonl line 4: invalid severity 'urgent'"),
                result.errors().get(1));
        assertTrue(result.errors().get(2).startsWith("findings.jsonl line 5: "), result.errors().get(2));
        assertFalse(result.success());
    }

    @Test
    void failedReadIsAnErrorAndNeverAnOverwrite() {
        folder.push(ConflictResolution.LOCAL_WINS, List.of(finding("f-1", null, "original")));
        StorageAdapter broken = new FaultInjectingStore(central, FaultInjectingStore.Fault.TRANSIENT_READS);

        CrossCloudSync sync = new CrossCloudSync(folder.config().conflictResolution(ConflictResolution.LOCAL_WINS).build(), broken);
        sync.addLocalFindings(List.of(finding("f-1", null, "replacement")), ACCOUNT, "aws");
        SyncResult result = sync.sync();

        assertEquals(1, result.errors().size());
        assertEquals(1, result.retryableErrors());
        assertTrue(result.errors().get(0).contains("read of aggregated/findings/"), result.errors().get(0));
        assertEquals("original", folder.stored("f-1").get("title"));
    }

    @Test
    void lostRaceIsReReadAndReResolvedSoNoUpdateIsLost() {
        folder.push(ConflictResolution.LOCAL_WINS, List.of(finding("f-1", "2024-01-01T00:00:00", "v1")));
        String path = RecordPaths.findingPath("aggregated", ACCOUNT, "f-1");
        // Another writer replaces the record between our read and our conditional write.
        StorageAdapter racing = new FaultInjectingStore(central, FaultInjectingStore.Fault.NONE) {
            final AtomicInteger writes = new AtomicInteger();

            @Override
            public String writeRecord(String p, byte[] content, WriteCondition condition) {
                if (writes.getAndIncrement() == 0) {
                    Map<String, Object> other = folder.stored("f-1");
                    other.put("title", "someone else");
                    other.put("_version", 2L);
                    other.put("_checksum", Checksums.recordChecksum(other));
                    delegate.writeRecord(p, CanonicalJson.bytes(other));
                }
                return super.writeRecord(p, content, condition);
            }
        };
        CrossCloudSync sync = new CrossCloudSync(folder.config().conflictResolution(ConflictResolution.LOCAL_WINS).build(), racing);
        sync.addLocalFindings(List.of(finding("f-1", "2024-01-02T00:00:00", "mine")), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        assertTrue(result.success(), result.errors().toString());
        assertEquals("mine", folder.stored("f-1").get("title"));
        assertEquals(3L, folder.stored("f-1").get("_version"), "v1, the other writer's v2, then ours");
        assertTrue(central.readRecord(path).isPresent());
    }

    @Test
    void sixteenConcurrentWritersLoseNoUpdate() throws Exception {
        int writers = 16;
        int records = 40;
        List<Thread> threads = new ArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                List<Map<String, Object>> mine = IntStream.range(0, records)
                        .mapToObj(i -> finding("f-" + i, String.format("2024-01-01T00:%02d:00", writer), "w" + writer))
                        .collect(Collectors.toList());
                CrossCloudSync sync = new CrossCloudSync(folder.config().conflictResolution(ConflictResolution.LATEST_WINS)
                        .build(), new LocalStorageAdapter(root.resolve("central")));
                sync.addLocalFindings(mine, ACCOUNT, "aws");
                SyncResult r = sync.sync();
                accepted.addAndGet((int) r.recordsSynced());
                errors.addAll(r.errors());
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        assertEquals(List.of(), errors);
        long versions = 0;
        for (int i = 0; i < records; i++) {
            Map<String, Object> record = folder.stored("f-" + i);
            assertEquals("w15", record.get("title"), "the newest last_seen wins");
            assertEquals(Checksums.recordChecksum(record), record.get("_checksum"));
            versions += (Long) record.get("_version");
        }
        assertEquals(accepted.get(), versions);
    }

    @Test
    void pushReadsNoFurtherAheadThanOneBatch() {
        int batch = 5;
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger maxAhead = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        Iterable<Map<String, Object>> stream = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return produced.get() < 40;
            }

            @Override
            public Map<String, Object> next() {
                int n = produced.incrementAndGet();
                maxAhead.accumulateAndGet(n - writes.get(), Math::max);
                return finding("s-" + n, null, "t");
            }
        };
        StorageAdapter counting = new FaultInjectingStore(central, FaultInjectingStore.Fault.NONE) {
            @Override
            public String writeRecord(String p, byte[] content, WriteCondition condition) {
                String token = super.writeRecord(p, content, condition);
                writes.incrementAndGet();
                return token;
            }
        };
        CrossCloudSync sync = new CrossCloudSync(folder.config().batchSize(batch).build(), counting);
        sync.addLocalFindings(stream, ACCOUNT, "aws");

        assertEquals(40, sync.sync().recordsSynced());
        assertTrue(maxAhead.get() <= batch, "read " + maxAhead.get() + " records ahead of the store");
    }

    @Test
    void dryRunWritesNothingButReportsWhatItWouldSync() {
        CrossCloudSync sync = new CrossCloudSync(folder.config().build(), central).dryRun(true);
        sync.addLocalFindings(List.of(finding("f-1", null, "a")), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        assertEquals(1, result.recordsSynced());
        assertFalse(java.nio.file.Files.exists(root.resolve("central")), "nothing is written, not even the folder");
    }

    @Test
    void syncStateIsACopyAndClearDropsPendingAndState() {
        Instant now = Instant.parse("2026-01-02T03:04:05.123456Z");
        CrossCloudSync sync = new CrossCloudSync(folder.config().build(), central).clock(Clock.fixed(now, ZoneOffset.UTC));
        sync.addLocalFindings(List.of(finding("f-1", null, "a")), ACCOUNT, "gcp");
        sync.sync();

        Map<String, SyncRecord> state = sync.getSyncState();
        SyncRecord record = state.get("f-1");
        assertEquals("finding", record.recordType());
        assertEquals("gcp", record.sourceProvider());
        assertEquals(1, record.version());
        assertEquals(now, record.syncedAt());
        assertEquals("2026-01-02T03:04:05.123456", folder.stored("f-1").get("_synced_at"));
        state.clear();
        assertEquals(1, sync.getSyncState().size());

        sync.clear();
        assertTrue(sync.getSyncState().isEmpty());
        assertEquals(0, sync.sync().recordsSynced() + sync.sync().recordsSkipped());
    }

    @Test
    void checksumVerifyOffWritesNoChecksum() {
        CrossCloudSync sync = new CrossCloudSync(folder.config().checksumVerify(false).build(), central);
        sync.addLocalFindings(List.of(finding("f-1", null, "a")), ACCOUNT, "aws");
        sync.sync();

        assertFalse(folder.stored("f-1").containsKey("_checksum"));
        assertNotEquals(null, folder.stored("f-1").get("_version"));
    }
}
