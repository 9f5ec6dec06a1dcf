package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SQS batches of S3 notifications (and one EventBridge event routed to the queue) on moto. */
@ExtendWith(Emulators.class)
class AwsSqsHandlerTest {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
    }

    @Test
    void onlyTheMessagesWhoseSyncFailedReturnToTheQueue() {
        AwsFixtures.putObject(moto, "stance/findings/sqs:good/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        AwsFixtures.putObject(moto, "stance/assets/sqs:good/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "central-sqs");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        SQSBatchResponse response = new SqsHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadSQSEvent("events/sqs-s3-notifications.json"), context);

        // ...a03 names a scan file that was never written, ...a04 is not an S3 event at all; the
        // good notification, S3's test event and the EventBridge event are done with.
        assertEquals(List.of("0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a03", "0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a04"),
                response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        List<Map<String, Object>> logged = context.invocations();
        assertEquals(List.of("succeeded", "failed", "failed", "succeeded"), logged.stream().map(l -> l.get("outcome")).toList(),
                context.lines().toString());
        assertEquals("message 0f0c3c5e-9b1d-4a36-8e0a-2b8c7d6f1a04", logged.get(2).get("object"));
    }
}
