package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.push.AccountIndexStore;
import com.mantissa.stance.sync.engine.push.PushCheckpoint;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push a queue worker runs (one source, within a time budget or without) skips the scan files
 * the account's index remembers unchanged as any other push does: the second tick over an
 * unchanged spoke reads its manifest and no scan file, and records the account's status from
 * what the index remembers.
 */
class UnchangedScanFilesResumableTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final MemoryStore central = new MemoryStore();
    private final SyncConfig config = SyncConfig.builder("central").batchSize(4).concurrency(2).build();

    private ResumablePush.Outcome tick(CountingStore spoke, Instant at, Duration budget) {
        return Central.at(central, PREFIX).resumablePush(PushDescription.of(config))
                .clock(Clock.fixed(at, ZoneOffset.UTC))
                .run(spoke, "stance", "memory://spoke/stance", ACCOUNT, "aws", budget);
    }

    /** No budget: each file in one run of the engine; an hour: in runs of a few batches each. */
    @ParameterizedTest
    @ValueSource(strings = {"none", "PT1H"})
    void theSecondTickOverAnUnchangedSpokeReadsNoScanFile(String budgetText) {
        Duration budget = budgetText.equals("none") ? null : Duration.parse(budgetText);
        MemoryStore spoke = UnchangedScanFilesTest.spoke(UnchangedScanFilesTest.findings(10, null));
        ResumablePush.Outcome first = tick(new CountingStore(spoke), T0, budget);
        assertTrue(first.finished() && first.result().success(), first.result().toString());
        assertEquals(0, first.filesUnchanged());
        central.deleteRecord(AccountStatus.key(PREFIX, ACCOUNT, "aws"));
        CountingStore counted = new CountingStore(spoke);

        ResumablePush.Outcome second = tick(counted, T0.plusSeconds(3600), budget);

        assertTrue(second.finished() && second.result().success(), second.result().toString());
        assertEquals(0, UnchangedScanFilesTest.scanFileReads(counted), counted.counts().toString());
        assertEquals(2, second.filesUnchanged());
        assertEquals(12, second.result().recordsSkipped());
        assertEquals(UnchangedScanFilesTest.census(spoke), UnchangedScanFilesTest.status(central));
        // Central: the account's index, which shows no file to push and so no progress a checkpoint
        // could hold, and the status write.
        assertEquals(1, second.requests().reads(), second.requests().toString());
        assertEquals(2, second.requests().total(), second.requests().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "PT1H"})
    void aSpokeRescannedUnderTheSameSnapshotIdIsReadAndRememberedAgain(String budgetText) {
        Duration budget = budgetText.equals("none") ? null : Duration.parse(budgetText);
        MemoryStore spoke = UnchangedScanFilesTest.spoke(UnchangedScanFilesTest.findings(10, null));
        tick(new CountingStore(spoke), T0, budget);
        spoke.writeRecord("stance/findings/20261130-100000/findings.jsonl",
                UnchangedScanFilesTest.findings(9, null).getBytes(StandardCharsets.UTF_8));
        CountingStore counted = new CountingStore(spoke);

        ResumablePush.Outcome second = tick(counted, T0.plusSeconds(60), budget);

        assertEquals(1, UnchangedScanFilesTest.scanFileReads(counted), counted.counts().toString());
        assertEquals(1, second.filesUnchanged());
        assertEquals(List.of(9L, 6L, 3L, 2L), UnchangedScanFilesTest.status(central));
        CountingStore third = new CountingStore(spoke);
        assertEquals(2, tick(third, T0.plusSeconds(120), budget).filesUnchanged());
        assertEquals(0, UnchangedScanFilesTest.scanFileReads(third), third.counts().toString());
        assertEquals(List.of(9L, 6L, 3L, 2L), UnchangedScanFilesTest.status(central));
    }
    /**
     * A file that changed is pushed in runs of the engine, one after another within the budget;
     * the account's index is read once for all of them, each run taking what the one before it
     * wrote.
     */
    @Test
    void aChangedFilePushedInSeveralRunsReadsTheIndexOnce() {
        MemoryStore spoke = UnchangedScanFilesTest.spoke(UnchangedScanFilesTest.findings(10, null));
        tick(new CountingStore(spoke), T0, null);
        spoke.writeRecord("stance/findings/20261130-100000/findings.jsonl",
                UnchangedScanFilesTest.findings(40, null).getBytes(StandardCharsets.UTF_8));
        PathCounts paths = new PathCounts(central);

        ResumablePush.Outcome second = Central.at(paths, PREFIX).resumablePush(PushDescription.of(config))
                .clock(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC))
                .run(new CountingStore(spoke), "stance", "memory://spoke/stance", ACCOUNT, "aws", Duration.ofHours(1));

        assertTrue(second.finished() && second.result().success(), second.result().toString());
        String index = AccountIndexStore.indexPath(PREFIX, ACCOUNT);
        String checkpoint = PushCheckpoint.key(PREFIX, ACCOUNT, "memory://spoke/stance");
        assertTrue(paths.writes(checkpoint) >= 2, "pushed in several runs: " + paths);
        assertEquals(1, paths.reads(index), paths.toString());
        assertEquals(List.of(40L, 26L, 14L, 2L), UnchangedScanFilesTest.status(central));
    }

    /** Central, counting reads and writes per key. */
    private static final class PathCounts extends ForwardingStore {
        private final Map<String, Integer> reads = new TreeMap<>();
        private final Map<String, Integer> writes = new TreeMap<>();

        PathCounts(StorageAdapter store) {
            super(store);
        }

        synchronized int reads(String path) {
            return reads.getOrDefault(path, 0);
        }

        synchronized int writes(String path) {
            return writes.getOrDefault(path, 0);
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            synchronized (this) {
                writes.merge(path, 1, Integer::sum);
            }
            return super.writeRecord(path, content, condition);
        }

        @Override
        public Optional<StoredObject> readRecord(String path) {
            synchronized (this) {
                reads.merge(path, 1, Integer::sum);
            }
            return super.readRecord(path);
        }

        @Override
        public synchronized String toString() {
            return "reads " + reads + ", writes " + writes;
        }
    }
}
