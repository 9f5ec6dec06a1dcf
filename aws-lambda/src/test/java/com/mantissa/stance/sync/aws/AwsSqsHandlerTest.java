package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/** SQS batches of S3 notifications and EventBridge events routed to the queue, on moto. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AwsSqsHandlerTest {

    private static MotoServer moto;
    private static AzuriteServer azurite;

    @BeforeAll
    static void startEmulators(MotoServer motoServer, AzuriteServer azuriteServer) {
        moto = motoServer;
        azurite = azuriteServer;
    }

    @Test
    void aBatchOfEveryShapeIsOneSyncAndOnlyTransientFailuresReturnToTheQueue() {
        AwsFixtures.putObject(moto, "stance/findings/sqs:good/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        AwsFixtures.putObject(moto, "stance/assets/sqs:good/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "central-sqs");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        SQSBatchResponse response = new SqsHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadSQSEvent("events/sqs-s3-notifications.json"), context);

        // ...a03 names a scan file that was never written (reported, permanent), ...a04 is not an
        // S3 event at all (rejected); S3's test event is ignored. Nothing is worth redelivering.
        assertEquals(List.of(), response.getBatchItemFailures());
        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        List<Map<String, Object>> logged = context.invocations();
        assertEquals(List.of("ignored", "failed", "failed"), logged.stream().map(l -> l.get("outcome")).toList(),
                context.lines().toString());
        assertEquals("s3:TestEvent", logged.get(0).get("trigger"));
        assertEquals(List.of("message 0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a04"), logged.get(1).get("objects"));
        Map<String, Object> sync = logged.get(2);
        assertEquals(AwsFixtures.ACCOUNT, sync.get("account"));
        assertEquals(3, ((List<?>) sync.get("objects")).size(), sync.toString());
        assertTrue(String.valueOf(sync.get("message")).contains("never-written"), sync.toString());
    }

    /**
     * Ten messages, five per account: one sync per account, so each account's push index is
     * written once (counted as versions of its key in a versioned central bucket).
     */
    @Test
    void tenMessagesOfTwoAccountsAreTwoSyncs() {
        List<String> keys = List.of("batch/findings/a/findings.jsonl", "batch/assets/a/assets.jsonl",
                "batch/findings/b/findings.jsonl", "batch/assets/b/assets.jsonl", "batch/findings/a/findings.jsonl");
        for (String key : keys) {
            AwsFixtures.putObject(moto, key, VisibleVectors.scanFile(key.substring(key.lastIndexOf('/') + 1)));
        }
        String bucket = "central-sqs-batch";
        moto.createBucket(bucket);
        moto.setupClient().putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        List<String> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (String account : List.of("111111111111", "222222222222")) {
            for (String key : keys) {
                String id = "msg-" + account.charAt(0) + "-" + ids.size();
                ids.add(id);
                bodies.add(AwsEvents.eventBridgeCreated(id, account, AwsFixtures.SOURCE_BUCKET, key));
            }
        }
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        SQSBatchResponse response = new SqsHandler(AwsFixtures.env("s3://" + bucket))
                .handleRequest(AwsEvents.sqs(ids, bodies), context);

        assertEquals(List.of(), response.getBatchItemFailures());
        List<Map<String, Object>> logged = context.invocations();
        assertEquals(List.of("111111111111", "222222222222"), logged.stream().map(l -> l.get("account")).toList(),
                "one line per account: " + context.lines());
        for (Map<String, Object> line : logged) {
            assertEquals("succeeded", line.get("outcome"), line.toString());
            assertEquals(4, ((List<?>) line.get("objects")).size(), "the repeated key is pushed once: " + line);
        }
        for (String account : List.of("111111111111", "222222222222")) {
            String index = "aggregated/_state/" + account + "/push-index.bin";
            assertEquals(1, moto.setupClient().listObjectVersions(b -> b.bucket(bucket).prefix(index)).versions().size(),
                    "index writes of " + account);
        }
    }

    /** A central that does not answer is transient: every message of that account's sync comes back. */
    @Test
    void transientFailuresReturnTheAccountsMessagesToTheQueue() {
        AwsFixtures.putObject(moto, "stance/findings/sqs:good/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        String dead = azurite.connectionString().replace(azurite.blobEndpoint(),
                "http://127.0.0.1:" + closedPort() + "/" + AzuriteServer.ACCOUNT);
        String previous = System.setProperty(AZURE_CONNECTION_STRING, dead);
        SQSBatchResponse response;
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        try {
            response = new SqsHandler(Map.of("STANCE_CENTRAL_URI", "az://" + AzuriteServer.ACCOUNT + "/sqs-dead-central"))
                    .handleRequest(EventLoader.loadSQSEvent("events/sqs-s3-notifications.json"), context);
        } finally {
            if (previous == null) {
                System.clearProperty(AZURE_CONNECTION_STRING);
            } else {
                System.setProperty(AZURE_CONNECTION_STRING, previous);
            }
        }

        assertEquals(List.of("0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a01", "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a03",
                        "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a05"),
                response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList(),
                context.lines().toString());
    }

    private static final String AZURE_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
