package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.HostileScan;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The handlers' shared core: batches of object-created events, the failure policy, the scheduled catch-up. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class SyncFunctionTest {
    private static final String SPOKE = "fn-spoke";
    private static final String CENTRAL = "fn-central";
    private static final String SNAPSHOT = "stance/findings/20240101-000000/findings.jsonl";

    @BeforeAll
    static void buckets(MotoServer moto) {
        moto.createBucket(SPOKE);
        moto.createBucket(CENTRAL);
        StorageAdapter spoke = new S3StorageAdapter(SPOKE);
        spoke.writeRecord(SNAPSHOT, VisibleVectors.scanFile("findings.jsonl"));
        spoke.writeRecord("stance/assets/20240101-000000/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        spoke.writeRecord("stance/snapshots/manifest.json",
                "{\"snapshots\": [{\"id\": \"20240101-000000\"}]}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectCreatedPushesThatScanFileIntoCentral(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toUri().toString()));

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://" + SPOKE + "/" + SNAPSHOT, "123456789012")));

        LogEntry entry = only(outcome);
        assertEquals(LogEntry.Outcome.SUCCEEDED, entry.outcome(), entry.toJson());
        assertEquals(40, entry.result().recordsSynced());
        JsonNode line = EventJson.parse(entry.toJson());
        assertEquals("INFO", line.get("severity").asText());
        assertEquals("succeeded", line.get("outcome").asText());
        assertEquals("123456789012", line.get("account").asText());
        assertEquals(40, line.get("result").get("records_synced").asLong());
        // What it cost: the index read, 40 creates, the index's create and the change feed's one
        // object, and the account's findings status written once (a push of one file reads no
        // earlier status).
        assertEquals(1, line.get("requests").get("reads").asLong(), entry.toJson());
        assertEquals(42, line.get("requests").get("conditional_writes").asLong(), entry.toJson());
        assertEquals(44, line.get("requests").get("total").asLong(), entry.toJson());
        assertTrue(entry.message().contains("44 requests: 1 read, 42 conditional writes, 1 unconditional write"),
                entry.message());
        assertTrue(entry.toJson().contains("\"records_synced\": 40, "), "one line, a space after ':' and ',': "
                + entry.toJson());
        assertFalse(entry.toJson().contains("\n"));
        assertFalse(outcome.redeliver());
        assertFalse(new LocalStorageAdapter(dir).listRecords("aggregated/findings/").isEmpty());
    }

    @Test
    void otherKeysAreIgnored(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()));
        List<FunctionEvent> events = new ArrayList<>();
        for (String key : new String[] {"stance/snapshots/manifest.json", "stance/findings/x/other.jsonl",
                "stance/findings/x/assets.jsonl", "findings.jsonl"}) {
            events.add(created(key, "s3://" + SPOKE + "/" + key, "1"));
        }

        BatchOutcome outcome = fn.handle(events);

        assertEquals(4, outcome.entries().size());
        outcome.entries().forEach(e -> assertEquals(LogEntry.Severity.DEBUG, e.severity(), e.toJson()));
        assertFalse(outcome.redeliver());
        assertTrue(new LocalStorageAdapter(dir).listRecords("").isEmpty());
    }

    @Test
    void accountComesFromTheVariableBeforeThePlatform() {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://" + CENTRAL + "/acct-test",
                "STANCE_ACCOUNT_ID", "999999999999"));

        LogEntry entry = only(fn.handle(List.of(created("1", "s3://" + SPOKE + "/" + SNAPSHOT, "123456789012"))));

        assertTrue(entry.result().success(), entry.toJson());
        StorageAdapter central = new S3StorageAdapter(CENTRAL);
        assertEquals(40, central.listRecords("acct-test/findings/").stream()
                .filter(k -> k.contains("/999999999999/")).count());
    }

    @Test
    void missingAccountIsRejectedOnceAndAcknowledged(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()));

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://" + SPOKE + "/" + SNAPSHOT, null)));

        LogEntry entry = only(outcome);
        assertEquals(LogEntry.Severity.ERROR, entry.severity());
        assertFalse(outcome.redeliver());
        assertTrue(entry.result().errors().get(0).contains("STANCE_ACCOUNT_ID"), entry.toJson());
        assertTrue(new LocalStorageAdapter(dir).listRecords("").isEmpty());
    }

    @Test
    void aMisconfiguredFunctionRejectsEachBatchWithOneLineNamingTheVariable() {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_BATCH_SIZE", "0"));

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://" + SPOKE + "/" + SNAPSHOT, "1"),
                created("2", "s3://" + SPOKE + "/" + SNAPSHOT, "2")));

        LogEntry entry = only(outcome);
        assertFalse(outcome.redeliver());
        assertTrue(entry.result().errors().get(0).contains("STANCE_CENTRAL_URI"), entry.toJson());
    }

    @Test
    void aMalformedEventIsOneRejectedLine(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()));

        BatchOutcome outcome = fn.handle(List.of(FunctionEvent.malformed("m-1", "message m-1", "not JSON")));

        LogEntry entry = only(outcome);
        assertEquals(LogEntry.Outcome.FAILED, entry.outcome());
        assertEquals(List.of("not JSON"), entry.result().errors());
        assertFalse(outcome.redeliver());
    }

    /** The hostile scan: good records land, each bad line is an error, and nothing is redelivered. */
    @Test
    void badLinesAreLoggedAndAcknowledged() {
        MemoryStore spoke = new MemoryStore();
        spoke.writeRecord("s/findings/h/findings.jsonl", HostileScan.findings());
        MemoryStore central = new MemoryStore();
        SyncFunction fn = inMemory(Map.of("spoke", spoke, "central", central));

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://spoke/s/findings/h/findings.jsonl", "acct")));

        LogEntry entry = only(outcome);
        assertFalse(outcome.redeliver(), entry.toJson());
        assertEquals(HostileScan.GOOD, entry.result().recordsSynced());
        HostileScan.assertErrors(entry.result().errors());
        HostileScan.assertOnlyGoodRecords(central, "aggregated", "acct");
    }

    /**
     * Six created scan files of two accounts (one notified twice) in one batch: one sync per
     * account, so each account's push index is read once and written once.
     */
    @Test
    void aBatchRunsOneSyncPerAccount() {
        MemoryStore spoke = new MemoryStore();
        for (String snapshot : List.of("a", "b")) {
            spoke.writeRecord("s/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
            spoke.writeRecord("s/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        }
        KeyCountingStore central = new KeyCountingStore(new MemoryStore());
        SyncFunction fn = inMemory(Map.of("spoke", spoke, "central", central));
        List<FunctionEvent> batch = List.of(
                created("1", "s3://spoke/s/findings/a/findings.jsonl", "acct-1"),
                created("2", "s3://spoke/s/assets/a/assets.jsonl", "acct-1"),
                created("3", "s3://spoke/s/findings/b/findings.jsonl", "acct-2"),
                created("4", "s3://spoke/s/findings/b/findings.jsonl", "acct-2"),
                created("5", "s3://spoke/s/assets/b/assets.jsonl", "acct-2"),
                created("6", "s3://spoke/s/findings/a/findings.jsonl", "acct-1"));

        BatchOutcome outcome = fn.handle(batch);

        assertEquals(2, outcome.entries().size(), outcome.entries().toString());
        assertEquals(List.of("acct-1", "acct-2"), outcome.entries().stream().map(LogEntry::account).toList());
        for (LogEntry entry : outcome.entries()) {
            assertEquals(52, entry.result().recordsSynced(), entry.toJson());
            assertEquals(2, entry.objects().size(), entry.toJson());
        }
        for (String account : List.of("acct-1", "acct-2")) {
            String index = "aggregated/_state/" + account + "/push-index.bin";
            assertEquals(1, central.reads(index), "index reads of " + account + ": " + central.log);
            assertEquals(1, central.writes(index), "index writes of " + account + ": " + central.log);
        }
    }

    /** Only the account whose sync met a transient failure asks for redelivery of its events. */
    @Test
    void transientFailuresRedeliverOnlyTheirAccountsEvents() {
        MemoryStore spoke = new MemoryStore();
        spoke.writeRecord("s/findings/a/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        spoke.writeRecord("t/findings/a/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        KeyCountingStore central = new KeyCountingStore(new MemoryStore());
        central.failWritesUnder("aggregated/findings/", "/flaky/");
        SyncFunction fn = inMemory(Map.of("spoke", spoke, "central", central));

        BatchOutcome outcome = fn.handle(List.of(
                created("ok", "s3://spoke/s/findings/a/findings.jsonl", "steady"),
                created("flaky-1", "s3://spoke/t/findings/a/findings.jsonl", "flaky")));

        assertEquals(Set.of("flaky-1"), outcome.redeliverIds());
        LogEntry flaky = outcome.entries().get(1);
        assertTrue(flaky.redeliver() && flaky.severity() == LogEntry.Severity.ERROR, flaky.toJson());
        assertTrue(EventJson.parse(flaky.toJson()).get("redeliver").asBoolean());
        SyncFailedException thrown = org.junit.jupiter.api.Assertions.assertThrows(SyncFailedException.class,
                outcome::throwIfRedelivery);
        assertTrue(thrown.getMessage().contains("flaky"), thrown.getMessage());
    }

    /** A central bucket that does not exist: one line naming it, acknowledged (no redelivery can create it). */
    @Test
    void aMissingCentralBucketIsLoggedOnceAndAcknowledged() {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://fn-no-such-central"));

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://" + SPOKE + "/" + SNAPSHOT, "123456789012")));

        LogEntry entry = only(outcome);
        assertFalse(outcome.redeliver(), entry.toJson());
        assertEquals(LogEntry.Severity.ERROR, entry.severity());
        assertTrue(entry.result().errors().get(0).contains("fn-no-such-central"), entry.toJson());
    }

    /** When the engine aborts a sync (a store-level permanent failure), its one message is the line's one error. */
    @Test
    void anAbortedSyncIsOneErrorAndAcknowledged() {
        MemoryStore spoke = new MemoryStore();
        spoke.writeRecord("s/findings/a/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));
        SyncFunction fn = new SyncFunction(settings, null, location -> {
            if (location.bucketName().equals("central")) {
                throw new SyncAbortedException("central s3://central: access denied (AccessDenied)", null);
            }
            return spoke;
        });

        BatchOutcome outcome = fn.handle(List.of(created("1", "s3://spoke/s/findings/a/findings.jsonl", "acct")));

        LogEntry entry = only(outcome);
        assertFalse(outcome.redeliver());
        assertEquals(List.of("central s3://central: access denied (AccessDenied)"), entry.result().errors());
        assertEquals(LogEntry.Severity.ERROR, entry.severity());
    }

    @Test
    void scheduleCatchesUpEverySourceThenPullsAndIsCheapTheSecondTime(@TempDir Path dir) {
        Path replica = dir.resolve("replica");
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of(
                "STANCE_CENTRAL_URI", "s3://" + CENTRAL + "/scheduled",
                "STANCE_SOURCES", "s3://" + SPOKE + "/stance|123456789012|aws",
                "STANCE_PULL_TARGET", replica.toString()));

        LogEntry first = only(fn.handle(List.of(FunctionEvent.tick("t1", "schedule"))));

        assertEquals(LogEntry.Outcome.SUCCEEDED, first.outcome(), first.toJson());
        assertEquals(52 + 52, first.result().recordsSynced(), "52 pushed, then 52 pulled");
        LogEntry second = only(fn.handle(List.of(FunctionEvent.tick("t2", "schedule"))));
        assertEquals(0, second.result().recordsSynced(), second.toJson());
        assertEquals(104, second.result().recordsSkipped());
        assertEquals(52, new LocalStorageAdapter(replica).listRecords("scheduled/").size());
    }

    @Test
    void scheduleWithUnreachableSourceReportsItAndStillSyncsTheOthers(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of(
                "STANCE_CENTRAL_URI", dir.toString(),
                "STANCE_SOURCES", "s3://" + SPOKE + "/no-scan-here|1|aws, s3://" + SPOKE + "/stance|2|aws"));

        BatchOutcome outcome = fn.handle(List.of(FunctionEvent.tick("t", "schedule")));

        LogEntry entry = only(outcome);
        assertEquals(LogEntry.Outcome.FAILED, entry.outcome());
        assertFalse(outcome.redeliver());
        assertEquals(1, entry.result().errors().size(), entry.toJson());
        assertTrue(entry.result().errors().get(0).contains("no-scan-here"));
        assertEquals(52, entry.result().recordsSynced());
    }

    @Test
    void scheduleWithNothingConfiguredIsRejected(@TempDir Path dir) {
        BatchOutcome outcome = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()))
                .handle(List.of(FunctionEvent.tick("t", "schedule")));

        LogEntry entry = only(outcome);
        assertEquals(LogEntry.Outcome.FAILED, entry.outcome());
        assertFalse(outcome.redeliver());
        assertTrue(entry.result().errors().get(0).contains("STANCE_SOURCES"));
    }

    @Test
    void aLogLineKeepsAtMostAHundredErrorsAndTheirCount() {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            errors.add("e" + i);
        }
        LogEntry entry = new LogEntry("object-created", List.of("x"), "a", LogEntry.Outcome.FAILED, false,
                new com.mantissa.stance.sync.model.SyncResult(0, 0, 0, errors, 0,
                        com.mantissa.stance.sync.model.SyncDirection.PUSH));

        JsonNode result = EventJson.parse(entry.toJson()).get("result");

        assertEquals(LogEntry.LOGGED_ERRORS, result.get("errors").size());
        assertEquals(250, result.get("error_count").asInt());
    }

    private static FunctionEvent created(String id, String uri, String account) {
        return FunctionEvent.objectCreated(id, uri, account);
    }

    private static LogEntry only(BatchOutcome outcome) {
        assertEquals(1, outcome.entries().size(), outcome.entries().toString());
        return outcome.entries().get(0);
    }

    /** A function whose central is s3://central and whose spokes are named by bucket. */
    private static SyncFunction inMemory(Map<String, StorageAdapter> buckets) {
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));
        return new SyncFunction(settings, null, (StorageLocation location) -> buckets.get(location.bucketName()));
    }
}
