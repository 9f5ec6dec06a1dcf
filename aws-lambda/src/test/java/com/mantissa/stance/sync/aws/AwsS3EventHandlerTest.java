package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bucket notifications straight to Lambda, from a spoke bucket on moto into an S3 central on moto. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
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
        assertEquals(1, logged.size(), "both records pushed by one sync: " + context.lines());
        assertEquals(List.of("s3://spoke-scans/stance/findings/snap:1/findings.jsonl",
                "s3://spoke-scans/stance/assets/snap:1/assets.jsonl"), logged.get(0).get("objects"));
        assertEquals("succeeded", logged.get(0).get("outcome"), logged.toString());
        assertEquals("INFO", logged.get(0).get("severity"));
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
        assertEquals(List.of("s3://spoke-scans/stance/findings/daily run/findings.jsonl"), line.get("objects"));
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

    /** SnapStart and provisioned concurrency build the S3 client in the constructor; the push is the same. */
    @Test
    void anEnvironmentInitialisedAheadOfItsInvocationsPushesTheSame() {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        for (String initialisation : List.of("snap-start", "provisioned-concurrency")) {
            String central = AwsFixtures.newS3Central(moto, "central-s3-" + initialisation);
            TestContext context = new TestContext(AwsFixtures.ACCOUNT);

            new S3EventHandler(Map.of("STANCE_CENTRAL_URI", central, "AWS_LAMBDA_INITIALIZATION_TYPE", initialisation))
                    .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

            assertEquals("succeeded", context.invocations().get(0).get("outcome"), context.lines().toString());
            VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        }
        TestContext misconfigured = new TestContext(AwsFixtures.ACCOUNT);
        new S3EventHandler(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), misconfigured);
        assertTrue(misconfigured.lines().get(0).message().contains("STANCE_CENTRAL_URI"), misconfigured.lines().toString());
    }

    /** Misconfiguration is permanent: each invocation logs one line naming the variable and is not retried. */
    @Test
    void aMissingCentralVariableIsOneErrorLinePerInvocation() {
        S3EventHandler handler = new S3EventHandler(Map.of());
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        handler.handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

        assertEquals(1, context.lines().size(), context.lines().toString());
        assertEquals(LogLevel.ERROR, context.lines().get(0).level());
        assertTrue(context.lines().get(0).message().contains("STANCE_CENTRAL_URI"), context.lines().toString());
    }
}
