package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.engine.FolderCentral.ACCOUNT;
import static com.mantissa.stance.sync.engine.FolderCentral.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push index saves requests and never changes what central ends up holding. */
class PushIndexSyncTest {
    private static final int RECORDS = 50;

    @TempDir
    Path root;
    FolderCentral folder;
    LocalStorageAdapter central;
    CountingStore counting;

    @BeforeEach
    void setUp() {
        folder = new FolderCentral(root.resolve("central"));
        central = folder.store;
        counting = new CountingStore(central);
    }

    static List<Map<String, Object>> snapshot(String lastSeen, String title) {
        return IntStream.range(0, RECORDS).mapToObj(i -> finding("f-" + i, lastSeen, title))
                .collect(Collectors.toList());
    }

    SyncResult push(StorageAdapter store, ConflictResolution strategy, List<Map<String, Object>> findings) {
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").batchSize(16).concurrency(4)
                .conflictResolution(strategy).build(), store);
        sync.addLocalFindings(findings, ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.errors().toString());
        return result;
    }

    Map<String, Object> stored(String id) {
        return folder.stored(id);
    }

    String indexPath() {
        return CrossCloudSync.indexPath("aggregated", ACCOUNT);
    }

    @Test
    void firstPushCreatesRecordsWithoutReadingThem() {
        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, snapshot("2024-01-01T00:00:00", "a"));

        assertEquals(RECORDS, result.recordsSynced());
        assertEquals(1, counting.reads.get(), "only the (absent) index is read");
        assertEquals(RECORDS + 2, counting.writes.get(), "one create per record plus the index and the change feed");
        assertTrue(central.readRecord(indexPath()).isPresent());
    }

    @Test
    void unchangedRePushReadsOnlyTheIndexAndWritesNothing() {
        List<Map<String, Object>> snapshot = snapshot("2024-01-01T00:00:00", "a");
        push(counting, ConflictResolution.LATEST_WINS, snapshot);
        counting.reset();

        SyncResult again = push(counting, ConflictResolution.LATEST_WINS, snapshot);

        assertEquals(RECORDS, again.recordsSkipped());
        assertEquals(1, counting.requests(), "one index read for " + RECORDS + " records");
        assertEquals(1L, stored("f-7").get("_version"));
    }

    @Test
    void changedRecordsCostOneConditionalWriteEach() {
        push(counting, ConflictResolution.LATEST_WINS, snapshot("2024-01-01T00:00:00", "a"));
        List<Map<String, Object>> next = snapshot("2024-01-01T00:00:00", "a");
        for (int i = 0; i < 5; i++) {
            next.set(i, finding("f-" + i, "2024-02-01T00:00:00", "changed"));
        }
        counting.reset();

        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, next);

        assertEquals(5, result.recordsSynced());
        assertEquals(5, result.conflictsResolved());
        assertEquals(1, counting.reads.get(), "the index only");
        assertEquals(5 + 1, counting.writes.get(), "5 replaces and the index");
        assertEquals("changed", stored("f-3").get("title"));
        assertEquals(2L, stored("f-3").get("_version"));
    }

    @Test
    void olderLocalChangeIsSkippedFromTheIndexUnderLatestWins() {
        push(counting, ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-02-01T00:00:00", "newer")));
        counting.reset();

        SyncResult result = push(counting, ConflictResolution.LATEST_WINS,
                List.of(finding("f-1", "2024-01-01T00:00:00", "older")));

        assertEquals(1, result.recordsSkipped());
        assertEquals(1, counting.requests());
        assertEquals("newer", stored("f-1").get("title"));
    }

    @Test
    void staleIndexNeverLosesTheOtherWritersUpdateNorOurs() {
        push(counting, ConflictResolution.LATEST_WINS, snapshot("2024-01-01T00:00:00", "ours-1"));
        // Another writer (no index) replaces f-0 and f-1 with newer records: our index is now stale.
        CrossCloudSync other = new CrossCloudSync(SyncConfig.builder("central").build(), central).useIndex(false);
        other.addLocalFindings(List.of(finding("f-0", "2024-03-01T00:00:00", "theirs"),
                finding("f-1", "2024-03-01T00:00:00", "theirs")), ACCOUNT, "gcp");
        assertEquals(2, other.sync().recordsSynced());

        List<Map<String, Object>> next = snapshot("2024-01-01T00:00:00", "ours-1");
        next.set(0, finding("f-0", "2024-04-01T00:00:00", "ours-2 newer than theirs"));
        next.set(1, finding("f-1", "2024-02-01T00:00:00", "ours-2 older than theirs"));
        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, next);

        assertEquals(1, result.recordsSynced());
        assertEquals("ours-2 newer than theirs", stored("f-0").get("title"));
        assertEquals(3L, stored("f-0").get("_version"), "ours, theirs, ours again");
        assertEquals("theirs", stored("f-1").get("title"));
        assertEquals(2L, stored("f-1").get("_version"));

        // The index learnt what the fallback read: the next unchanged push costs one request again.
        counting.reset();
        push(counting, ConflictResolution.LATEST_WINS, next);
        assertEquals(1, counting.requests());
    }

    @Test
    void localWinsReassertsUnchangedRecordsThatAnotherWriterReplaced() {
        List<Map<String, Object>> snapshot = List.of(finding("f-1", "2024-01-01T00:00:00", "ours"));
        push(counting, ConflictResolution.LOCAL_WINS, snapshot);
        Map<String, Object> theirs = stored("f-1");
        theirs.put("title", "theirs");
        theirs.put("_version", 2L);
        theirs.put("_checksum", Checksums.recordChecksum(theirs));
        central.writeRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "f-1"), CanonicalJson.bytes(theirs));

        SyncResult result = push(counting, ConflictResolution.LOCAL_WINS, snapshot);

        assertEquals(1, result.recordsSynced());
        assertEquals("ours", stored("f-1").get("title"));
        assertEquals(3L, stored("f-1").get("_version"));
    }

    @Test
    void corruptIndexFallsBackToReadingAndIsRebuilt() {
        push(counting, ConflictResolution.LATEST_WINS, snapshot("2024-01-01T00:00:00", "a"));
        central.writeRecord(indexPath(), "{\"not\": \"an index\"}".getBytes(StandardCharsets.UTF_8));
        List<Map<String, Object>> next = snapshot("2024-01-01T00:00:00", "a");
        next.set(9, finding("f-9", "2024-05-01T00:00:00", "changed"));

        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, next);

        assertEquals(1, result.recordsSynced());
        assertEquals(RECORDS - 1, result.recordsSkipped());
        assertEquals(2L, stored("f-9").get("_version"));
        assertEquals(1L, stored("f-8").get("_version"), "unchanged records are not rewritten");
        PushIndex rebuilt = PushIndex.parse(central.readRecord(indexPath()).orElseThrow().content(), ACCOUNT);
        assertEquals(RECORDS, rebuilt.size());
        counting.reset();
        push(counting, ConflictResolution.LATEST_WINS, next);
        assertEquals(1, counting.requests());
    }

    @Test
    void missingIndexOverExistingRecordsStopsBlindCreatesAndLosesNothing() {
        int records = 200;
        List<Map<String, Object>> snapshot = IntStream.range(0, records)
                .mapToObj(i -> finding("m-" + i, "2024-01-01T00:00:00", "a")).collect(Collectors.toList());
        push(counting, ConflictResolution.LATEST_WINS, snapshot);
        central.deleteRecord(indexPath());
        List<Map<String, Object>> next = new ArrayList<>(snapshot);
        next.set(records - 1, finding("m-" + (records - 1), "2024-06-01T00:00:00", "changed"));
        counting.reset();

        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, next);

        assertEquals(1, result.recordsSynced());
        assertEquals(records - 1, result.recordsSkipped());
        assertEquals("changed", stored("m-" + (records - 1)).get("title"));
        assertEquals(2L, stored("m-" + (records - 1)).get("_version"));
        assertTrue(counting.requests() < 2 * records + 2 + 40,
                "blind creates stop after they keep colliding: " + counting.requests());
    }

    @Test
    void concurrentWritersWithIndexesStillCountEveryAcceptedWrite() throws Exception {
        int writers = 8;
        int rounds = 3;
        int records = 30;
        AtomicInteger accepted = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                for (int n = 0; n < rounds; n++) {
                    int round = n;
                    String time = String.format("2024-01-%02dT00:%02d:00", round + 1, writer);
                    List<Map<String, Object>> mine = IntStream.range(0, records)
                            .mapToObj(i -> finding("c-" + i, time, "w" + writer + " r" + round))
                            .collect(Collectors.toList());
                    CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").batchSize(8)
                            .concurrency(3).build(), new LocalStorageAdapter(root.resolve("central")));
                    sync.addLocalFindings(mine, ACCOUNT, "aws");
                    SyncResult r = sync.sync();
                    accepted.addAndGet((int) r.recordsSynced());
                    errors.addAll(r.errors());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        assertEquals(List.of(), errors);
        long versions = 0;
        for (int i = 0; i < records; i++) {
            Map<String, Object> record = stored("c-" + i);
            assertEquals("w" + (writers - 1) + " r" + (rounds - 1), record.get("title"), "the newest last_seen wins");
            assertEquals(Checksums.recordChecksum(record), record.get("_checksum"));
            versions += (Long) record.get("_version");
        }
        assertEquals(accepted.get(), versions);
    }

    @Test
    void duplicatedIdsInOnePushLeaveTheIndexDescribingWhatCentralHolds() {
        for (int round = 0; round < 5; round++) {
            List<Map<String, Object>> findings = new ArrayList<>();
            for (int copy = 0; copy < 4; copy++) {
                findings.add(finding("dup", String.format("2024-01-%02dT00:00:0%d", round + 1, copy), "copy " + copy));
            }
            CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").batchSize(4).concurrency(4).build(),
                    central);
            sync.addLocalFindings(findings, ACCOUNT, "aws");
            assertTrue(sync.sync().success());

            String path = RecordPaths.findingPath("aggregated", ACCOUNT, "dup");
            PushIndex.Entry entry = PushIndex.parse(central.readRecord(indexPath()).orElseThrow().content(), ACCOUNT)
                    .get(PushIndex.key(path));
            assertEquals("copy 3", stored("dup").get("title"));
            assertTrue(entry.trusted());
            assertEquals(stored("dup").get("_version"), entry.version());
            assertEquals(central.readRecord(path).orElseThrow().versionToken(), entry.token());
        }
    }

    @Test
    void indexReplacedByAnotherSyncIsMergedNotOverwritten() {
        List<Map<String, Object>> a = IntStream.range(0, 10).mapToObj(i -> finding("a-" + i, "2024-01-01T00:00:00", "a"))
                .collect(Collectors.toList());
        List<Map<String, Object>> b = IntStream.range(0, 10).mapToObj(i -> finding("b-" + i, "2024-01-01T00:00:00", "b"))
                .collect(Collectors.toList());
        List<Map<String, Object>> c = IntStream.range(0, 10).mapToObj(i -> finding("c-" + i, "2024-01-01T00:00:00", "c"))
                .collect(Collectors.toList());
        push(central, ConflictResolution.LATEST_WINS, a);
        // Another sync of the same account stores its index between our load and our store.
        StorageAdapter racing = new FaultInjectingStore(central, FaultInjectingStore.Fault.NONE) {
            boolean raced;

            @Override
            public String writeRecord(String p, byte[] content, WriteCondition condition) {
                if (p.equals(indexPath()) && !raced) {
                    raced = true;
                    push(central, ConflictResolution.LATEST_WINS, c);
                }
                return super.writeRecord(p, content, condition);
            }
        };

        push(racing, ConflictResolution.LATEST_WINS, b);

        PushIndex index = PushIndex.parse(central.readRecord(indexPath()).orElseThrow().content(), ACCOUNT);
        assertEquals(30, index.size(), "a, b and c");
        List<Map<String, Object>> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        counting.reset();
        assertEquals(30, push(counting, ConflictResolution.LATEST_WINS, all).recordsSkipped());
        assertEquals(1, counting.requests());
    }

    @Test
    void unreadableIndexIsNeitherUsedNorOverwritten() {
        push(central, ConflictResolution.LATEST_WINS, snapshot("2024-01-01T00:00:00", "a"));
        byte[] before = central.readRecord(indexPath()).orElseThrow().content();
        CountingStore flaky = new CountingStore(central) {
            @Override
            public Optional<StoredObject> readRecord(String p) {
                if (p.equals(indexPath())) {
                    throw new TransientStorageException("503 SlowDown (injected)", null);
                }
                return super.readRecord(p);
            }
        };
        List<Map<String, Object>> next = snapshot("2024-01-01T00:00:00", "a");
        next.set(2, finding("f-2", "2024-03-01T00:00:00", "changed"));

        SyncResult result = push(flaky, ConflictResolution.LATEST_WINS, next);

        assertEquals(1, result.recordsSynced());
        assertEquals(RECORDS, flaky.reads.get(), "every record read first");
        assertEquals(1, flaky.writes.get(), "the changed record only; the index is left alone");
        assertEquals(Arrays.toString(before),
                Arrays.toString(central.readRecord(indexPath()).orElseThrow().content()));
    }

    /**
     * Pushes the same random sequence of snapshots, strategies and foreign LATEST_WINS writes
     * into two stores, one with the index and one without: results and every byte of central
     * must agree (the cases the index documents as different need a non-LATEST_WINS foreign
     * writer, a record without last_seen or a deletion, which this sequence does not contain).
     */
    @Test
    void indexedAndUnindexedPushesLeaveIdenticalCentralStores() {
        LocalStorageAdapter plain = new LocalStorageAdapter(root.resolve("plain"));
        CountingStore plainCounting = new CountingStore(plain);
        Random random = new Random(7);
        // No record without last_seen: LATEST_WINS then compares "now", i.e. last writer wins,
        // and the index does not re-assert such a record after a foreign write (documented).
        String[] times = {"2024-01-01T00:00:00", "2024-01-02T00:00:00", "2024-01-02T00:00:00+01:00",
                "2024-01-03T12:00:00.5", "2024-01-04T00:00:00Z"};
        String[] titles = {"a", "b", "c"};
        ConflictResolution[] strategies = ConflictResolution.values();
        Instant clock = Instant.parse("2024-01-02T06:00:00Z");
        for (int step = 0; step < 40; step++) {
            clock = clock.plusSeconds(3600);
            boolean foreign = random.nextInt(5) == 0;
            ConflictResolution strategy = foreign ? ConflictResolution.LATEST_WINS
                    : strategies[random.nextInt(strategies.length)];
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                if (random.nextInt(3) > 0) {
                    Map<String, Object> f = finding("r-" + i, times[random.nextInt(times.length)],
                            titles[random.nextInt(titles.length)]);
                    if (random.nextBoolean()) {
                        f.put("compliance_frameworks", List.of(titles[random.nextInt(titles.length)]));
                    }
                    batch.add(f);
                }
            }
            List<Long> counts = new ArrayList<>();
            for (StorageAdapter store : List.of(counting, plainCounting)) {
                CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").batchSize(5).concurrency(3)
                        .conflictResolution(strategy).build(), store)
                        .clock(Clock.fixed(clock, ZoneOffset.UTC))
                        .useIndex(!foreign && store == counting);
                sync.addLocalFindings(batch, ACCOUNT, "aws");
                SyncResult r = sync.sync();
                assertTrue(r.success(), r.errors().toString());
                counts.addAll(List.of(r.recordsSynced(), r.recordsSkipped(), r.conflictsResolved()));
            }
            assertEquals(counts.subList(0, 3), counts.subList(3, 6), "step " + step + " " + strategy);
        }
        List<String> keys = plain.listRecords("aggregated/findings/");
        assertEquals(keys, central.listRecords("aggregated/findings/"));
        Map<String, String> a = new LinkedHashMap<>();
        Map<String, String> b = new LinkedHashMap<>();
        for (String key : keys) {
            a.put(key, new String(central.readRecord(key).orElseThrow().content(), StandardCharsets.UTF_8));
            b.put(key, new String(plain.readRecord(key).orElseThrow().content(), StandardCharsets.UTF_8));
        }
        assertEquals(b, a);
        assertTrue(counting.requests() < plainCounting.requests(),
                "the index saved requests: " + counting.requests() + " vs " + plainCounting.requests());
    }
}
