package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.HostileScan;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bucket notifications straight to Lambda, from a spoke bucket on moto into an S3 central on moto. */
@ExtendWith(Emulators.class)
class AwsS3EventHandlerTest {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
    }

    @Test
    void encodedKeysOfAMultiRecordEventLandAsTheOriginalWritesThem() {
        // The event names "snap%3A1": the object S3 stored is "snap:1".
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        String central = AwsFixtures.newS3Central(moto, "central-s3-multi");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        List<Map<String, Object>> logged = context.invocations();
        assertEquals(2, logged.size(), "one log line per record: " + context.lines());
        assertEquals("s3://spoke-scans/stance/findings/snap:1/findings.jsonl", logged.get(0).get("object"));
        assertEquals("s3://spoke-scans/stance/assets/snap:1/assets.jsonl", logged.get(1).get("object"));
        for (Map<String, Object> line : logged) {
            assertEquals("succeeded", line.get("outcome"), line.toString());
            assertEquals("INFO", line.get("severity"));
        }
        assertTrue(context.lines().stream().allMatch(l -> l.level() == LogLevel.INFO), context.lines().toString());
    }

    @Test
    void plusInANotificationKeyIsASpace() {
        AwsFixtures.putObject(moto, "stance/findings/daily run/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "central-s3-plus");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-plus-key.json"), context);

        Map<String, Object> line = context.invocations().get(0);
        assertEquals("s3://spoke-scans/stance/findings/daily run/findings.jsonl", line.get("object"));
        assertEquals("succeeded", line.get("outcome"));
        long findings = VisibleVectors.expected().stream().filter(e -> e.kind().equals("finding")).count();
        assertEquals(findings, AwsFixtures.store(central).listRecords("aggregated/findings/").size());
    }

    @Test
    void keysThatAreNotScanFilesAndRemovalsAreIgnoredWithoutError() {
        String central = AwsFixtures.newS3Central(moto, "central-s3-ignored");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-ignored-keys.json"), context);

        assertTrue(AwsFixtures.store(central).listRecords("").isEmpty(), "nothing written");
        assertEquals(2, context.lines().size(), context.lines().toString());
        assertTrue(context.lines().stream().allMatch(l -> l.level() == LogLevel.DEBUG), context.lines().toString());
        List<Map<String, Object>> logged = context.invocations();
        assertEquals(List.of("ignored", "ignored"), logged.stream().map(l -> l.get("outcome")).toList());
        assertEquals("s3 ObjectRemoved:Delete", logged.get(1).get("trigger"));
    }

    @Test
    void hostileScanLinesFailTheInvocationAfterTheGoodRecordsLand() {
        AwsFixtures.putObject(moto, "stance/findings/broken/findings.jsonl", HostileScan.findings());
        String central = AwsFixtures.newS3Central(moto, "central-s3-malformed");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        S3EventHandler handler = new S3EventHandler(AwsFixtures.env(central));

        SyncFailedException failure = assertThrows(SyncFailedException.class,
                () -> handler.handleRequest(EventLoader.loadS3Event("events/s3-put-malformed-scan.json"), context));

        HostileScan.assertOnlyGoodRecords(AwsFixtures.store(central), "aggregated", AwsFixtures.ACCOUNT);
        Map<String, Object> line = context.invocations().get(0);
        assertEquals("failed", line.get("outcome"));
        assertEquals("ERROR", line.get("severity"));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) line.get("result");
        assertEquals((long) HostileScan.GOOD, ((Number) result.get("records_synced")).longValue());
        HostileScan.assertErrors((List<?>) result.get("errors"));
        assertTrue(failure.getMessage().contains(HostileScan.BAD_LINES.size() + " error(s)"), failure.getMessage());
    }

    @Test
    void withoutAnyAccountTheInvocationFailsAndWritesNothing() {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        String central = AwsFixtures.newS3Central(moto, "central-s3-no-account");
        TestContext context = new TestContext(null);
        S3EventHandler handler = new S3EventHandler(AwsFixtures.env(central));

        SyncFailedException e = assertThrows(SyncFailedException.class,
                () -> handler.handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context));

        assertTrue(e.getMessage().contains("STANCE_ACCOUNT_ID"), e.getMessage());
        assertTrue(AwsFixtures.store(central).listRecords("").isEmpty());
    }

    @Test
    void handlerInitNamesAMissingCentralVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new S3EventHandler(Map.of()));
        assertTrue(e.getMessage().contains("STANCE_CENTRAL_URI"), e.getMessage());
    }
}
