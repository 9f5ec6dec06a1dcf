package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.HostileScan;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under AWS's runtime interface client, fed the raw event documents AWS sends
 * (S3 notification, SQS batch, EventBridge "Object Created", scheduled event) through a Runtime
 * API on loopback: the runtime's own deserialisation, handler lookup, result serialisation and
 * error reporting, against moto. Each case expects exactly what the direct handler test of the
 * same event expects (AwsS3EventHandlerTest, AwsSqsHandlerTest, AwsEventBridgeHandlerTest,
 * AwsScheduleHandlerTest, AwsHandlerContractTest): one log line per account's sync, permanent
 * failures (bad lines, bad events) acknowledged, only transient ones redelivered.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
// One case at a time: AWS's runtime client writes its native library to one temporary path as
// each runtime process starts, and a second process starting meanwhile rewrote it under the
// first, which then died with SIGBUS in the dynamic loader.
class LambdaRuntimeInterfaceClientIT {

    private static final String HANDLERS = "com.mantissa.stance.sync.aws.";

    @TempDir
    static Path work;
    private static Path taskRoot;
    private static MotoServer moto;

    @BeforeAll
    static void unpackAndStartMoto(MotoServer server) throws IOException {
        moto = server;
        taskRoot = Files.createDirectory(work.resolve("task"));
        LambdaRuntimeProcess.unpack(LambdaRuntimeProcess.shadedJar(), taskRoot);
    }

    private static LambdaRuntimeProcess runtime(String handler, Map<String, String> stance) throws IOException {
        return LambdaRuntimeProcess.start(taskRoot, work, HANDLERS + handler + "::handleRequest",
                LambdaRuntimeProcess.merge(moto.environment(), stance));
    }

    @Test
    void s3NotificationsWithEncodedKeysAndIgnoredKeys() throws IOException {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        String central = AwsFixtures.newS3Central(moto, "ric-central-s3");

        try (LambdaRuntimeProcess runtime = runtime("S3EventHandler", AwsFixtures.env(central))) {
            RuntimeApiServer.Outcome pushed = runtime.invoke("events/s3-put-encoded-keys.json", AwsFixtures.ACCOUNT);
            assertTrue(pushed.isResponse(), pushed + "\n" + runtime.output());
            VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
            List<Map<String, Object>> logged = runtime.invocations();
            assertEquals(1, logged.size(), "both records pushed by one sync: " + runtime.output());
            assertEquals(List.of("s3://spoke-scans/stance/findings/snap:1/findings.jsonl",
                    "s3://spoke-scans/stance/assets/snap:1/assets.jsonl"), logged.get(0).get("objects"), runtime.output());
            assertEquals("succeeded", logged.get(0).get("outcome"));
            assertEquals(AwsFixtures.ACCOUNT, logged.get(0).get("account"));
            assertEquals(List.of("INFO"), runtime.logRecords().stream().map(LambdaRuntimeProcess.LogRecord::level).toList());

            int before = AwsFixtures.store(central).listRecords("").size();
            RuntimeApiServer.Outcome ignored = runtime.invoke("events/s3-ignored-keys.json", AwsFixtures.ACCOUNT);
            assertTrue(ignored.isResponse(), ignored + "\n" + runtime.output());
            assertEquals(before, AwsFixtures.store(central).listRecords("").size(), "nothing more written");
            List<LambdaRuntimeProcess.LogRecord> records = runtime.logRecords();
            List<LambdaRuntimeProcess.LogRecord> last = records.subList(records.size() - 2, records.size());
            assertEquals(List.of("DEBUG", "DEBUG"), last.stream().map(LambdaRuntimeProcess.LogRecord::level).toList());
            assertEquals(List.of("ignored", "ignored"), last.stream().map(r -> r.json().get("outcome")).toList());
            assertEquals("s3 ObjectRemoved:Delete", last.get(1).json().get("trigger"));
        }
    }

    /** Bad lines are permanent: the good records land, one ERROR line, and the invocation is acknowledged. */
    @Test
    void aHostileScanIsLoggedOnceAndAcknowledgedAfterTheGoodRecordsLand() throws IOException {
        AwsFixtures.putObject(moto, "stance/findings/broken/findings.jsonl", HostileScan.findings());
        String central = AwsFixtures.newS3Central(moto, "ric-central-malformed");

        try (LambdaRuntimeProcess runtime = runtime("S3EventHandler", AwsFixtures.env(central))) {
            RuntimeApiServer.Outcome outcome = runtime.invoke("events/s3-put-malformed-scan.json", AwsFixtures.ACCOUNT);

            assertTrue(outcome.isResponse(), outcome + "\n" + runtime.output());
            HostileScan.assertOnlyGoodRecords(AwsFixtures.store(central), "aggregated", AwsFixtures.ACCOUNT);
            List<LambdaRuntimeProcess.LogRecord> records = runtime.logRecords();
            assertEquals(List.of("ERROR"), records.stream().map(LambdaRuntimeProcess.LogRecord::level).toList(),
                    runtime.output());
            Map<String, Object> line = records.get(0).json();
            assertEquals("failed", line.get("outcome"));
            assertEquals(Boolean.FALSE, line.get("redeliver"));
            assertEquals(List.of("s3://spoke-scans/stance/findings/broken/findings.jsonl"), line.get("objects"));
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) line.get("result");
            assertEquals((long) HostileScan.GOOD, ((Number) result.get("records_synced")).longValue());
            assertEquals((long) HostileScan.BAD_LINES.size(), ((Number) result.get("error_count")).longValue());
            HostileScan.assertErrors((List<?>) result.get("errors"));
        }
    }

    @Test
    void sqsBatchWithOnlyPermanentFailuresAnswersWithNoFailedMessages() throws IOException {
        AwsFixtures.putObject(moto, "stance/findings/sqs:good/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        AwsFixtures.putObject(moto, "stance/assets/sqs:good/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "ric-central-sqs");

        try (LambdaRuntimeProcess runtime = runtime("SqsHandler", AwsFixtures.env(central))) {
            RuntimeApiServer.Outcome outcome = runtime.invoke("events/sqs-s3-notifications.json", AwsFixtures.ACCOUNT);

            assertTrue(outcome.isResponse(), outcome + "\n" + runtime.output());
            // The SQSBatchResponse as the runtime serialised it for the event source mapping:
            // ...a03 names a scan file never written, ...a04 is not an S3 event; neither is transient.
            // S3's test event is ignored with its debug line.
            Map<String, Object> response = new TestContext.Line(null, outcome.body()).json();
            assertEquals(List.of(), response.get("batchItemFailures"), outcome.body());
            VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
            List<Map<String, Object>> logged = runtime.invocations();
            assertEquals(List.of("ignored", "failed", "failed"), logged.stream().map(l -> l.get("outcome")).toList(),
                    runtime.output());
            assertEquals(List.of("message 0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a04"), logged.get(1).get("objects"));
            Map<String, Object> sync = logged.get(2);
            assertEquals(AwsFixtures.ACCOUNT, sync.get("account"));
            assertEquals(3, ((List<?>) sync.get("objects")).size(), sync.toString());
            assertTrue(String.valueOf(sync.get("message")).contains("never-written"), sync.toString());
        }
    }

    /**
     * A store that does not answer is transient: SQS gets the account's messages back in
     * {@code batchItemFailures}, and a bucket notification is posted as an invocation error
     * (the runtime's error report) so that Lambda retries it. The jar carries only the AWS SDK,
     * so the dead store is S3 itself: the runtime's S3 endpoint is a closed port, for the spoke
     * and the central alike.
     */
    @Test
    void transientFailuresComeBackAsBatchItemFailuresAndAsAnInvocationError() throws IOException {
        AwsFixtures.putObject(moto, "stance/findings/sqs:good/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        // Every connection is refused at once: the time goes to the retries' backoff, which the
        // deadline cuts short. A refused connection and a deadline past are both transient.
        Map<String, String> env = Map.of(
                "STANCE_CENTRAL_URI", "s3://ric-dead-central",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + closedPort(),
                "STANCE_DEADLINE", "1s");

        try (LambdaRuntimeProcess runtime = runtime("SqsHandler", env)) {
            RuntimeApiServer.Outcome outcome = runtime.invoke("events/sqs-s3-notifications.json", AwsFixtures.ACCOUNT);

            assertTrue(outcome.isResponse(), outcome + "\n" + runtime.output());
            Map<String, Object> response = new TestContext.Line(null, outcome.body()).json();
            assertEquals(List.of(Map.of("itemIdentifier", "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a01"),
                    Map.of("itemIdentifier", "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a03"),
                    Map.of("itemIdentifier", "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a05")),
                    response.get("batchItemFailures"), outcome.body() + "\n" + runtime.output());
        }
        try (LambdaRuntimeProcess runtime = runtime("S3EventHandler", env)) {
            RuntimeApiServer.Outcome outcome = runtime.invoke("events/s3-put-encoded-keys.json", AwsFixtures.ACCOUNT);

            assertEquals("error", outcome.kind(), outcome + "\n" + runtime.output());
            Map<String, Object> error = new TestContext.Line(null, outcome.body()).json();
            assertEquals(SyncFailedException.class.getName(), error.get("errorType"), outcome.body());
            Map<String, Object> line = runtime.invocations().get(0);
            assertEquals("failed", line.get("outcome"));
            assertEquals(Boolean.TRUE, line.get("redeliver"), line.toString());
        }
    }

    @Test
    void eventBridgeObjectCreatedUnderTheEventsAccountAndObjectDeletedIgnored() throws IOException {
        AwsFixtures.putObject(moto, "stance/findings/snap:2/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "ric-central-eb");

        try (LambdaRuntimeProcess runtime = runtime("EventBridgeHandler", AwsFixtures.env(central))) {
            // The function runs in the hub account; the event says the object belongs to the spoke.
            RuntimeApiServer.Outcome created = runtime.invoke("events/eventbridge-object-created.json", "999999999999");
            assertTrue(created.isResponse(), created + "\n" + runtime.output());
            assertEquals("succeeded", runtime.invocations().get(0).get("outcome"), runtime.output());
            List<String> keys = AwsFixtures.store(central).listRecords("aggregated/findings/");
            long findings = VisibleVectors.expected().stream().filter(e -> e.kind().equals("finding")).count();
            assertEquals(findings, keys.size());
            assertTrue(keys.stream().allMatch(k -> k.split("/")[3].equals(AwsFixtures.ACCOUNT)), keys.toString());

            RuntimeApiServer.Outcome deleted = runtime.invoke("events/eventbridge-object-deleted.json", AwsFixtures.ACCOUNT);
            assertTrue(deleted.isResponse(), deleted + "\n" + runtime.output());
            LambdaRuntimeProcess.LogRecord last = runtime.logRecords().get(runtime.logRecords().size() - 1);
            assertEquals("DEBUG", last.level());
            assertEquals("ignored", last.json().get("outcome"));
            assertEquals("eventbridge aws.s3 Object Deleted", last.json().get("trigger"));
            assertEquals(findings, AwsFixtures.store(central).listRecords("aggregated/findings/").size());
        }
    }

    @Test
    void scheduledEventCatchesUpTheLatestSnapshot() throws IOException {
        AwsFixtures.putVisibleScan(moto, "ric-sched", "20261124-060000");
        AwsFixtures.putObject(moto, "ric-sched/snapshots/manifest.json",
                "{\"snapshots\": [{\"id\": \"20261124-060000\"}, {\"id\": \"20261123-060000\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
        String central = AwsFixtures.newS3Central(moto, "ric-central-schedule");
        Map<String, String> env = Map.of(
                "STANCE_CENTRAL_URI", central,
                "STANCE_SOURCES", "s3://" + AwsFixtures.SOURCE_BUCKET + "/ric-sched|" + AwsFixtures.ACCOUNT + "|aws");

        try (LambdaRuntimeProcess runtime = runtime("ScheduleHandler", env)) {
            RuntimeApiServer.Outcome outcome = runtime.invoke("events/scheduled-event.json", "999999999999");

            assertTrue(outcome.isResponse(), outcome + "\n" + runtime.output());
            VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
            Map<String, Object> line = runtime.invocations().get(0);
            assertEquals("succeeded", line.get("outcome"));
            assertEquals("schedule arn:aws:events:us-east-1:123456789012:rule/stance-sync-catchup", line.get("trigger"));
        }
    }

    /**
     * The jar carries only the AWS SDK: a central on another cloud is one ERROR line naming the
     * build flag that adds that cloud's SDK, acknowledged (no redelivery can fix a build), and no
     * class of the missing SDK is looked for beyond that check.
     */
    @Test
    void aCentralOnACloudWhoseSdkTheJarLeavesOutIsOneErrorNamingTheBuildFlag() throws IOException {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        for (String[] cloud : new String[][] {{"gs://ric-gcs-central", "-Pwith-gcp"},
                {"az://devstoreaccount1/ric-azure-central", "-Pwith-azure"}}) {
            try (LambdaRuntimeProcess runtime = runtime("S3EventHandler", Map.of("STANCE_CENTRAL_URI", cloud[0]))) {
                RuntimeApiServer.Outcome outcome = runtime.invoke("events/s3-put-encoded-keys.json", AwsFixtures.ACCOUNT);

                assertTrue(outcome.isResponse(), outcome + "\n" + runtime.output());
                List<LambdaRuntimeProcess.LogRecord> records = runtime.logRecords();
                assertEquals(List.of("ERROR"), records.stream().map(LambdaRuntimeProcess.LogRecord::level).toList(),
                        runtime.output());
                Map<String, Object> line = records.get(0).json();
                assertEquals("failed", line.get("outcome"));
                assertEquals(Boolean.FALSE, line.get("redeliver"));
                @SuppressWarnings("unchecked")
                List<String> errors = (List<String>) ((Map<String, Object>) line.get("result")).get("errors");
                assertEquals(1, errors.size(), errors.toString());
                assertTrue(errors.get(0).startsWith(cloud[0] + " needs the "), errors.get(0));
                assertTrue(errors.get(0).contains("rebuild the function with the Maven flag " + cloud[1]
                        + " (or -Pall-clouds)"), errors.get(0));
                assertFalse(runtime.output().contains("NoClassDefFoundError"), runtime.output());
            }
        }
    }

    /** What the default jar carries: the AWS SDK and no other cloud's storage or queue SDK. */
    @Test
    void theJarCarriesOnlyTheAwsSdks() throws IOException {
        assertTrue(Files.isRegularFile(taskRoot.resolve("software/amazon/awssdk/services/s3/S3Client.class")));
        assertTrue(Files.isRegularFile(taskRoot.resolve("software/amazon/awssdk/services/sqs/SqsClient.class")));
        for (String absent : List.of("com/google/cloud/storage", "com/google/cloud/pubsub", "com/azure",
                "info/picocli", "me/tongfei")) {
            assertFalse(Files.exists(taskRoot.resolve(absent)), absent + " in the jar");
        }
    }

    @Test
    void jsonRecordsAreFoundBetweenPlainLines() {
        List<String> objects = LambdaRuntimeProcess.topLevelJsonObjects(
                "Picked up JAVA_TOOL_OPTIONS\n{\"a\":\"}{\\\"\"}{\"b\":{\"c\":1}}\nplain {\"d\":2}");
        assertEquals(List.of("{\"a\":\"}{\\\"\"}", "{\"b\":{\"c\":1}}", "{\"d\":2}"), objects);
        assertFalse(objects.isEmpty());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
