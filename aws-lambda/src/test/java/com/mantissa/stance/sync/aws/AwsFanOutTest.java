package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fan-out on moto's SQS: the scheduled function sends one message per source, the
 * SQS-triggered function pushes each within its time budget and continues through the queue.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AwsFanOutTest {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
    }

    @Test
    void theTickSendsOneMessagePerSourceAndTheWorkerPushesItInSeveralInvocations() {
        AwsFixtures.putVisibleScan(moto, "fan", "20261124-060000");
        AwsFixtures.putObject(moto, "fan/snapshots/manifest.json",
                "{\"snapshots\": [{\"id\": \"20261124-060000\"}]}".getBytes(StandardCharsets.UTF_8));
        String central = AwsFixtures.newS3Central(moto, "central-fanout");
        try (SqsClient sqs = SqsClient.create()) {
            String queue = sqs.createQueue(b -> b.queueName("stance-sync-work-fanout")).queueUrl();
            Map<String, String> env = Map.of(
                    "STANCE_CENTRAL_URI", central,
                    "STANCE_SOURCES", "s3://" + AwsFixtures.SOURCE_BUCKET + "/fan|" + AwsFixtures.ACCOUNT + "|aws",
                    "STANCE_WORK_QUEUE", queue,
                    "STANCE_BATCH_SIZE", "10",
                    // No time at all: each invocation pushes its one guaranteed batch, then continues.
                    "STANCE_TIME_BUDGET", "0");
            TestContext tick = new TestContext(AwsFixtures.ACCOUNT);

            new ScheduleHandler(env).handleRequest(EventLoader.loadScheduledEvent("events/scheduled-event.json"), tick);

            assertTrue(tick.lines().toString().contains("1 source message(s) sent"), tick.lines().toString());
            assertTrue(AwsFixtures.store(central).listRecords("aggregated/findings/").isEmpty(),
                    "the tick pushes nothing itself");

            SqsHandler worker = new SqsHandler(env);
            int invocations = 0;
            while (true) {
                List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages();
                if (received.isEmpty()) {
                    break;
                }
                List<String> ids = new ArrayList<>();
                List<String> bodies = new ArrayList<>();
                received.forEach(m -> {
                    ids.add(m.messageId());
                    bodies.add(m.body());
                });
                SQSBatchResponse response = worker.handleRequest(AwsEvents.sqs(ids, bodies),
                        new TestContext(AwsFixtures.ACCOUNT));
                assertEquals(List.of(), response.getBatchItemFailures());
                received.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
                invocations++;
                assertTrue(invocations < 50, "the continuations come to an end");
            }

            // 52 records, at most one batch of 10 per invocation: each invocation resumed after the last.
            assertTrue(invocations >= 6, "invocations: " + invocations);
            VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        }
    }

    @Test
    void aWorkerWithoutItsQueueAcknowledgesWithOneErrorLine() {
        String central = AwsFixtures.newS3Central(moto, "central-fanout-misconfigured");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        String body = "{\"stance_sync\": \"source\", \"location\": \"s3://" + AwsFixtures.SOURCE_BUCKET
                + "/fan\", \"account\": \"" + AwsFixtures.ACCOUNT + "\", \"provider\": \"aws\", \"continuation\": 0}";

        SQSBatchResponse response = new SqsHandler(AwsFixtures.env(central))
                .handleRequest(AwsEvents.sqs(List.of("m1"), List.of(body)), context);

        assertEquals(List.of(), response.getBatchItemFailures());
        assertTrue(context.lines().toString().contains("STANCE_WORK_QUEUE"), context.lines().toString());
    }
}
