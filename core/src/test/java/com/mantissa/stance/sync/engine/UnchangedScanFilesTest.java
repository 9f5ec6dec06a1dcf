package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push does not read a scan file the account's index remembers as pushed whole at the version
 * its store shows now: its records are reported as skipped, and the account's status and the
 * resolve pass come out as if it had been read. A changed file, one with a record that failed,
 * and an index entry older than the index's maximum age are read as ever.
 */
class UnchangedScanFilesTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final String SNAPSHOT = "20261130-100000";
    private static final String FINDINGS = "stance/findings/" + SNAPSHOT + "/findings.jsonl";
    private static final String ASSETS = "stance/assets/" + SNAPSHOT + "/assets.jsonl";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    static String findings(int count, String extraLine) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("{\"id\": \"f-").append(i).append("\", \"status\": \"").append(i % 3 == 0 ? "resolved" : "open")
                    .append("\", \"severity\": \"high\", \"last_seen\": \"2026-11-30T09:00:00Z\"}\n");
        }
        return out + (extraLine == null ? "" : extraLine + "\n");
    }

    /** A Stance scan: a manifest naming the latest snapshot, its findings and its assets. */
    static MemoryStore spoke(String findings) {
        return spoke(new MemoryStore(), findings);
    }

    static <S extends StorageAdapter> S spoke(S spoke, String findings) {
        spoke.writeRecord("stance/snapshots/manifest.json",
                ("{\"snapshots\": [{\"id\": \"" + SNAPSHOT + "\"}]}").getBytes(StandardCharsets.UTF_8));
        spoke.writeRecord(FINDINGS, findings.getBytes(StandardCharsets.UTF_8));
        spoke.writeRecord(ASSETS, "{\"id\": \"a-1\", \"type\": \"bucket\"}\n{\"id\": \"a-2\", \"type\": \"vm\"}\n"
                .getBytes(StandardCharsets.UTF_8));
        return spoke;
    }

    static CrossCloudSync sync(MemoryStore central, CountingStore spoke, Instant at, ResolveSettings resolve) {
        SyncConfig config = SyncConfig.builder("central").batchSize(4).concurrency(2).build();
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false).resolveMissing(resolve)
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanLocation(spoke, "stance", null, ACCOUNT, "aws");
        return sync;
    }

    static List<Long> status(MemoryStore central) {
        AccountStatus status = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        return List.of(status.findings(), status.open(), status.resolved(), status.assets());
    }

    static List<Long> census(StorageAdapter spoke) {
        SnapshotCensus census = new SnapshotCensus(PREFIX, ACCOUNT);
        census.read(spoke, ScanLocator.locate(spoke, "stance"), true);
        return List.of(census.findings(), census.open(), census.resolved(), census.assets());
    }

    /** Reads of the scan files themselves (the manifest is read by every push: it names the snapshot). */
    static long scanFileReads(CountingStore spoke) {
        return spoke.counts().reads() - 1;
    }

    @Test
    void anUnchangedRePushReadsNoScanFileAndStillRecordsTheStatus() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        CrossCloudSync first = sync(central, new CountingStore(spoke), T0, null);
        assertTrue(first.sync().success());
        assertEquals(0, first.lastFilesUnchanged());
        central.deleteRecord(AccountStatus.key(PREFIX, ACCOUNT, "aws"));
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(3600), null);
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertEquals(0, scanFileReads(counted), counted.counts().toString());
        assertEquals(2, again.lastFilesUnchanged());
        assertEquals(12, result.recordsSkipped());
        assertEquals(0, result.recordsSynced());
        assertEquals(List.of(10L, 6L, 4L, 2L), census(spoke));
        assertEquals(census(spoke), status(central), "the status counts what the index remembers");
        assertEquals(T0.plusSeconds(3600), AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow().lastPush());
    }

    /** A folder's version is its file's size, modification time and file id. */
    @Test
    void aFolderSpokeIsSkippedUnchangedAndReadWhenAFileIsReplaced(@TempDir Path root) {
        MemoryStore central = new MemoryStore();
        LocalStorageAdapter folder = spoke(new LocalStorageAdapter(root), findings(10, null));
        assertTrue(sync(central, new CountingStore(folder), T0, null).sync().success());
        CountingStore unchanged = new CountingStore(folder);
        CrossCloudSync again = sync(central, unchanged, T0.plusSeconds(60), null);
        again.sync();
        assertEquals(0, scanFileReads(unchanged), unchanged.counts().toString());
        assertEquals(2, again.lastFilesUnchanged());

        // The same size: only the file's modification time and id tell it apart.
        folder.writeRecord(FINDINGS, findings(10, null).replace("f-9", "f-8").getBytes(StandardCharsets.UTF_8));
        CountingStore replaced = new CountingStore(folder);
        CrossCloudSync third = sync(central, replaced, T0.plusSeconds(120), null);
        third.sync();

        assertEquals(1, scanFileReads(replaced), replaced.counts().toString());
        assertEquals(1, third.lastFilesUnchanged());
        assertEquals(census(folder), status(central));
    }

    @Test
    void aChangedFileIsReadAndTheUnchangedOneIsNot() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        assertTrue(sync(central, new CountingStore(spoke), T0, null).sync().success());
        // Rescanned under the same snapshot id: one more finding.
        spoke.writeRecord(FINDINGS, findings(11, null).getBytes(StandardCharsets.UTF_8));
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(60), null);
        SyncResult result = again.sync();

        assertEquals(1, scanFileReads(counted), "the findings file only: " + counted.counts());
        assertEquals(1, again.lastFilesUnchanged());
        assertEquals(1, result.recordsSynced());
        assertEquals(12, result.recordsSkipped());
        assertEquals(census(spoke), status(central));
        CountingStore third = new CountingStore(spoke);
        CrossCloudSync unchanged = sync(central, third, T0.plusSeconds(120), null);
        unchanged.sync();
        assertEquals(0, scanFileReads(third), "the rescanned file is remembered at its new version");
        assertEquals(2, unchanged.lastFilesUnchanged());
    }

    @Test
    void anEntryOlderThanTheIndexMaximumAgeIsReadAgain() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        assertTrue(sync(central, new CountingStore(spoke), T0, null).sync().success());
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync late = sync(central, counted, T0.plus(Duration.ofHours(25)), null);
        SyncResult result = late.sync();

        assertEquals(2, scanFileReads(counted), counted.counts().toString());
        assertEquals(0, late.lastFilesUnchanged());
        assertEquals(12, result.recordsSkipped());
        CountingStore after = new CountingStore(spoke);
        CrossCloudSync next = sync(central, after, T0.plus(Duration.ofHours(26)), null);
        next.sync();
        assertEquals(0, scanFileReads(after), "read again, the files are remembered afresh");
    }

    @Test
    void aFileWithARecordThatFailedIsReadEveryTime() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, "{not json"));
        assertFalse(sync(central, new CountingStore(spoke), T0, null).sync().success());
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(60), null);
        SyncResult result = again.sync();

        assertEquals(1, scanFileReads(counted), "the findings file, with its bad line: " + counted.counts());
        assertEquals(1, again.lastFilesUnchanged());
        assertEquals(1, result.errors().size());
        assertTrue(result.errors().get(0).startsWith("findings/" + SNAPSHOT + "/findings.jsonl line 11: invalid JSON"),
                result.errors().get(0));
    }

    /** Prune deletes the account's records and its index with the files it remembers. */
    @Test
    void afterAPruneTheUnchangedSpokeIsReadAndItsRecordsWrittenAgain() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        assertTrue(sync(central, new CountingStore(spoke), T0, null).sync().success());
        Central.at(central, PREFIX).prune(ACCOUNT, "aws").run();
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(60), null);
        SyncResult result = again.sync();

        assertEquals(2, scanFileReads(counted), counted.counts().toString());
        assertEquals(0, again.lastFilesUnchanged());
        assertEquals(12, result.recordsSynced());
        assertEquals(census(spoke), status(central));
    }

    @Test
    void aPushWithoutTheIndexReadsEveryFile() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        assertTrue(sync(central, new CountingStore(spoke), T0, null).sync().success());
        CountingStore counted = new CountingStore(spoke);
        CrossCloudSync again = sync(central, counted, T0.plusSeconds(60), null);
        again.describe(PushDescription.of(again.config()).withUseIndex(false));

        again.sync();

        assertEquals(2, scanFileReads(counted), counted.counts().toString());
        assertEquals(0, again.lastFilesUnchanged());
    }

    @Test
    void resolveMissingResolvesWhatTheSnapshotLacksWhileItsFilesAreSkipped() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = spoke(findings(10, null));
        ResolveSettings resolve = new ResolveSettings(1.0, false);
        assertTrue(sync(central, new CountingStore(spoke), T0, resolve).sync().success());
        // A finding of the account that the snapshot does not have, pushed by another source.
        CrossCloudSync other = new CrossCloudSync(SyncConfig.builder("central").build(), central).trackState(false);
        other.addLocalFindings(List.of(java.util.Map.of("id", "f-gone", "status", "open", "severity", "high",
                "last_seen", "2026-11-30T09:00:00Z")), ACCOUNT, "aws");
        assertTrue(other.sync().success());
        CountingStore counted = new CountingStore(spoke);

        CrossCloudSync again = sync(central, counted, T0.plusSeconds(60), resolve);
        SyncResult result = again.sync();

        assertTrue(result.success(), result.toString());
        assertEquals(2, again.lastFilesUnchanged(), "the push itself reads neither file");
        assertEquals(1, again.resolveResults().get(0).resolved(), "f-gone");
        // The snapshot's ten findings, as the index remembers them, and f-gone, resolved now.
        assertEquals(List.of(11L, 6L, 5L, 2L), status(central));
    }
}
