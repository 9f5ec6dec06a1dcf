package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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
}
