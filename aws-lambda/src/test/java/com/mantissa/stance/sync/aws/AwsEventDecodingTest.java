package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The message-body shapes a queue of S3 events can carry, and the S3Event the runtime hands over, read by the core. */
class AwsEventDecodingTest {

    private static String body(int index) {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-s3-notifications.json");
        return event.getRecords().get(index).getBody();
    }

    private static List<FunctionEvent> events(String body) {
        return EventDecoder.message("m", body, null).events();
    }

    @Test
    void notificationBodyYieldsTheDecodedKeyAndNoAccount() {
        assertEquals(List.of(FunctionEvent.objectCreated("m", "s3://spoke-scans/stance/findings/sqs:good/findings.jsonl", null)),
                events(body(0)));
    }

    @Test
    void eventBridgeBodyYieldsTheKeyAsIsAndTheEventsAccount() {
        assertEquals(List.of(FunctionEvent.objectCreated("m", "s3://spoke-scans/stance/assets/sqs:good/assets.jsonl",
                "123456789012")), events(body(4)));
    }

    @Test
    void s3TestEventIsIgnored() {
        assertEquals(List.of(FunctionEvent.Type.IGNORED), events(body(1)).stream().map(FunctionEvent::type).toList());
    }

    @Test
    void snsEnvelopeIsUnwrapped() {
        String inner = body(0).replace("\\", "\\\\").replace("\"", "\\\"");
        String envelope = "{\"Type\": \"Notification\", \"MessageId\": \"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\", "
                + "\"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:stance-scans\", \"Subject\": \"Amazon S3 Notification\", "
                + "\"Message\": \"" + inner + "\"}";
        assertEquals(events(body(0)), events(envelope));
    }

    @Test
    void removalRecordsAreIgnored() {
        List<FunctionEvent> events = events(body(0).replace("ObjectCreated:Put", "ObjectRemoved:Delete"));
        assertEquals(List.of(FunctionEvent.Type.IGNORED), events.stream().map(FunctionEvent::type).toList());
        assertEquals("s3 ObjectRemoved:Delete", events.get(0).reason());
    }

    @Test
    void bodiesOfOtherShapesAreOneMalformedEventWithTheReason() {
        assertEquals(FunctionEvent.Type.MALFORMED, events(body(3)).get(0).type());
        FunctionEvent e = events("{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {}}]}").get(0);
        assertEquals(FunctionEvent.Type.MALFORMED, e.type());
        assertTrue(e.reason().contains("s3.bucket.name"), e.reason());
        assertEquals("message m", e.object());
    }

    /**
     * The same record through the S3Event the runtime builds (S3EventHandler) and through an SQS
     * body (SqsHandler, the worker): the same event names count, the key is decoded the same way.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ObjectCreated:Put", "s3:ObjectCreated:Put", "ObjectRemoved:Delete"})
    void theS3EventAndTheQueueBodyAreReadAlike(String name) {
        String record = AwsEvents.s3Record(AwsFixtures.SOURCE_BUCKET, "stance/findings/a b+c/findings.jsonl")
                .replace("ObjectCreated:Put", name);
        List<FunctionEvent> fromS3Event = S3EventHandler.events(AwsEvents.s3Event(List.of(record)), "123456789012");
        FunctionEvent fromBody = EventDecoder.message("record 0", "{\"Records\": [" + record + "]}", "123456789012")
                .events().get(0);
        assertEquals(List.of(fromBody), fromS3Event);
        assertEquals(name.startsWith("ObjectCreated:"), fromBody.type() == FunctionEvent.Type.OBJECT_CREATED);
        assertEquals("s3://" + AwsFixtures.SOURCE_BUCKET + "/stance/findings/a b+c/findings.jsonl", fromBody.object());
    }
}
