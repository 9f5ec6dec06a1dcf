package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.engine.UnchangedScanFilesTest.findings;
import static com.mantissa.stance.sync.engine.UnchangedScanFilesTest.scanFileReads;
import static com.mantissa.stance.sync.engine.UnchangedScanFilesTest.spoke;
import static com.mantissa.stance.sync.engine.UnchangedScanFilesTest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * With resolve-missing, a push of a snapshot whose every file is unchanged since the account's
 * last resolve pass reads none of them: neither the push nor a census does, no pass runs, and
 * central and the account's status come out as a pass would have left them. A changed file, a
 * record pushed from elsewhere, an index maximum age of 0 and a dry run read the snapshot and
 * run the pass as ever.
 */
class UnchangedScanFilesResolveTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final String FINDINGS = "stance/findings/20261130-100000/findings.jsonl";
    private static final ResolveSettings RESOLVE = new ResolveSettings(1.0, false);

    private static CrossCloudSync sync(MemoryStore central, CountingStore spoke, Instant at) {
        return UnchangedScanFilesTest.sync(central, spoke, at, RESOLVE);
    }

    /** Central's records: every object but the account's state (status, index). */
    private static Map<String, String> records(MemoryStore central) {
        Map<String, String> out = new TreeMap<>();
        central.contents().forEach((key, bytes) -> {
            if (!key.contains("/_state/")) {
                out.put(key, new String(bytes, StandardCharsets.UTF_8));
            }
        });
        return out;
    }

    private static void pushLocalFinding(MemoryStore central, String id) {
        CrossCloudSync other = new CrossCloudSync(SyncConfig.builder("central").build(), central).trackState(false);
        other.addLocalFindings(List.of(Map.of("id", id, "status", "open", "severity", "high",
                "last_seen", "2026-11-30T09:00:00Z")), ACCOUNT, "aws");
        assertTrue(other.sync().success());
    }

    /**
     * Central holds a finding the snapshot lacks; the first push resolves it, the second finds it
     * resolved and remembers that pass: the snapshot is then unchanged since its last pass.
     */
    private static MemoryStore resolvedTwice(MemoryStore spoke) {
        MemoryStore central = new MemoryStore();
        pushLocalFinding(central, "f-gone");
        CrossCloudSync first = sync(central, new CountingStore(spoke), T0);
        assertTrue(first.sync().success());
        assertEquals(1, first.resolveResults().get(0).resolved());
        CrossCloudSync second = sync(central, new CountingStore(spoke), T0.plusSeconds(60));
        assertTrue(second.sync().success());
        assertEquals(0, second.resolveResults().get(0).resolved());
        assertEquals(1, second.resolveResults().get(0).alreadyResolved());
        return central;
    }

    @Test
    void anUnchangedRePushWithResolveMissingReadsNoScanFile() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        Map<String, String> before = records(central);
        List<Long> statusBefore = status(central);
        Map<String, Long> reasonsBefore = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow()
                .resolvedByReason();
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(120));
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertEquals(0, scanFileReads(counted), "neither the push nor a census reads a file: " + counted.counts());
        assertEquals(2, again.lastFilesUnchanged());
        ResolveMissingResult pass = again.resolveResults().get(0);
        assertTrue(pass.snapshotUnchanged());
        assertEquals(0, pass.resolved());
        assertEquals(1, pass.alreadyResolved());
        assertEquals(before, records(central), "central's records are as the last pass left them");
        assertEquals(statusBefore, status(central));
        assertEquals(List.of(11L, 6L, 5L, 2L), status(central), "the snapshot's ten findings and f-gone, resolved");
        AccountStatus after = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        assertEquals(reasonsBefore, after.resolvedByReason());
        assertEquals(T0.plusSeconds(120), after.lastPush());
    }

    @Test
    void anUnchangedRePushWithResolveMissingReadsTheAccountsIndexOnceAndWritesOnlyTheStatus() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        CountingStore countedCentral = new CountingStore(central);
        SyncConfig config = SyncConfig.builder("central").batchSize(4).concurrency(2).build();
        CrossCloudSync again = new CrossCloudSync(config, countedCentral).trackState(false).resolveMissing(RESOLVE)
                .clock(java.time.Clock.fixed(T0.plusSeconds(120), java.time.ZoneOffset.UTC));
        again.addScanLocation(new CountingStore(spoke), "stance", null, ACCOUNT, "aws");

        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertTrue(again.resolveResults().get(0).snapshotUnchanged());
        // The index decides both the skipped files and the skipped pass: read once, by whichever asks first.
        assertEquals(1, countedCentral.counts().reads(), "one read (the index): " + countedCentral.counts());
        assertEquals(1, countedCentral.counts().total() - countedCentral.counts().reads(),
                "one write (the status): " + countedCentral.counts());
    }

    @Test
    void aChangedFileIsReadAndThePassRuns() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        // Rescanned under the same snapshot id: f-8, open until now, is gone.
        String rescanned = findings(10, null).replaceAll("(?m)^.*\"f-8\".*\n", "");
        spoke.writeRecord(FINDINGS, rescanned.getBytes(StandardCharsets.UTF_8));
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(120));
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertTrue(scanFileReads(counted) >= 2, "the census reads the snapshot: " + counted.counts());
        ResolveMissingResult pass = again.resolveResults().get(0);
        assertFalse(pass.snapshotUnchanged());
        assertEquals(1, pass.resolved(), "f-8");
        assertEquals(List.of(11L, 5L, 6L, 2L), status(central));
    }

    @Test
    void aFindingPushedFromElsewhereMakesThePassRunAndResolveIt() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        pushLocalFinding(central, "f-new");
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(120));
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        ResolveMissingResult pass = again.resolveResults().get(0);
        assertFalse(pass.snapshotUnchanged());
        assertEquals(1, pass.resolved(), "f-new");
        assertEquals(List.of(12L, 6L, 6L, 2L), status(central));
    }

    @Test
    void anIndexMaximumAgeOfZeroReadsTheSnapshotAndRunsThePass() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(120)).indexMaxAge(Duration.ZERO);
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertEquals(4, scanFileReads(counted), "census and push read both files: " + counted.counts());
        assertFalse(again.resolveResults().get(0).snapshotUnchanged());
        assertEquals(1, again.resolveResults().get(0).alreadyResolved());
    }

    @Test
    void anEntryOlderThanTheMaximumAgeReadsTheSnapshotAndRunsThePass() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync late = sync(central, counted, T0.plus(Duration.ofHours(25)));
        assertTrue(late.sync().success());

        assertEquals(4, scanFileReads(counted), counted.counts().toString());
        assertFalse(late.resolveResults().get(0).snapshotUnchanged());
    }

    @Test
    void aDryRunReadsTheSnapshotToPlanThePass() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        Map<String, String> before = records(central);
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync dry = sync(central, counted, T0.plusSeconds(120));
        dry.describe(PushDescription.of(dry.config()).withResolve(RESOLVE).withDryRun(true));
        assertTrue(dry.sync().success());

        assertTrue(scanFileReads(counted) >= 2, counted.counts().toString());
        assertEquals(before, records(central));
    }

    @Test
    void afterAPruneTheSnapshotIsReadAndPushedAgain() {
        MemoryStore spoke = spoke(findings(10, null));
        MemoryStore central = resolvedTwice(spoke);
        Central.at(central, PREFIX).prune(ACCOUNT, "aws").run();
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(120));
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertEquals(4, scanFileReads(counted), counted.counts().toString());
        assertFalse(again.resolveResults().get(0).snapshotUnchanged());
        assertEquals(12, result.recordsSynced());
        assertEquals(List.of(10L, 6L, 4L, 2L), status(central));
    }
}
