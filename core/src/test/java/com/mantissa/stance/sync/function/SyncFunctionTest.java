package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The handlers' shared core against S3 on moto: object-created events and the scheduled catch-up. */
@ExtendWith(Emulators.class)
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

        Invocation invocation = fn.onObjectCreated("s3://" + SPOKE + "/" + SNAPSHOT, "123456789012");

        assertEquals(Invocation.Outcome.SUCCEEDED, invocation.outcome(), invocation.toJson());
        assertEquals(40, invocation.result().recordsSynced());
        Map<String, Object> line = JsonParser.parseObject(invocation.toJson());
        assertEquals("INFO", line.get("severity"));
        assertEquals("succeeded", line.get("outcome"));
        assertEquals(40L, ((Map<?, ?>) line.get("result")).get("records_synced"));
        assertFalse(new LocalStorageAdapter(dir).listRecords("aggregated/findings/").isEmpty());
    }

    @Test
    void otherKeysAreIgnored(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()));

        for (String key : new String[] {"stance/snapshots/manifest.json", "stance/findings/x/other.jsonl",
                "stance/findings/x/assets.jsonl", "findings.jsonl"}) {
            Invocation invocation = fn.onObjectCreated("s3://" + SPOKE + "/" + key, "1");
            assertEquals(Invocation.Outcome.IGNORED, invocation.outcome(), key);
            assertFalse(invocation.failed());
        }
        assertTrue(new LocalStorageAdapter(dir).listRecords("").isEmpty());
    }

    @Test
    void accountComesFromTheVariableBeforeThePlatform(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://" + CENTRAL + "/acct-test",
                "STANCE_ACCOUNT_ID", "999999999999"));

        Invocation invocation = fn.onObjectCreated("s3://" + SPOKE + "/" + SNAPSHOT, "123456789012");

        assertTrue(invocation.result().success(), invocation.toJson());
        StorageAdapter central = new S3StorageAdapter(CENTRAL);
        assertEquals(40, central.listRecords("acct-test/findings/").stream()
                .filter(k -> k.contains("/999999999999/")).count());
    }

    @Test
    void missingAccountFailsWithoutRetry(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()));

        Invocation invocation = fn.onObjectCreated("s3://" + SPOKE + "/" + SNAPSHOT, null);

        assertTrue(invocation.failed());
        assertFalse(invocation.retryable());
        assertTrue(invocation.result().errors().get(0).contains("STANCE_ACCOUNT_ID"));
        assertTrue(invocation.toException().getMessage().contains("STANCE_ACCOUNT_ID"));
    }

    @Test
    void scheduleCatchesUpEverySourceThenPullsAndIsCheapTheSecondTime(@TempDir Path dir) {
        Path replica = dir.resolve("replica");
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of(
                "STANCE_CENTRAL_URI", "s3://" + CENTRAL + "/scheduled",
                "STANCE_SOURCES", "s3://" + SPOKE + "/stance|123456789012|aws",
                "STANCE_PULL_TARGET", replica.toString()));

        Invocation first = fn.onSchedule("schedule");

        assertEquals(Invocation.Outcome.SUCCEEDED, first.outcome(), first.toJson());
        assertEquals(52 + 52, first.result().recordsSynced(), "52 pushed, then 52 pulled");
        Invocation second = fn.onSchedule("schedule");
        assertEquals(0, second.result().recordsSynced(), second.toJson());
        assertEquals(104, second.result().recordsSkipped());
        assertEquals(52, new LocalStorageAdapter(replica).listRecords("scheduled/").size());
    }

    @Test
    void scheduleWithUnreachableSourceReportsItAndStillSyncsTheOthers(@TempDir Path dir) {
        SyncFunction fn = SyncFunction.fromEnvironment(Map.of(
                "STANCE_CENTRAL_URI", dir.toString(),
                "STANCE_SOURCES", "s3://" + SPOKE + "/no-scan-here|1|aws, s3://" + SPOKE + "/stance|2|aws"));

        Invocation invocation = fn.onSchedule("schedule");

        assertTrue(invocation.failed());
        assertEquals(1, invocation.result().errors().size(), invocation.toJson());
        assertTrue(invocation.result().errors().get(0).contains("no-scan-here"));
        assertEquals(52, invocation.result().recordsSynced());
    }

    @Test
    void scheduleWithNothingConfiguredFails(@TempDir Path dir) {
        Invocation invocation = SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI", dir.toString()))
                .onSchedule("schedule");

        assertTrue(invocation.failed());
        assertTrue(invocation.result().errors().get(0).contains("STANCE_SOURCES"));
    }
}
