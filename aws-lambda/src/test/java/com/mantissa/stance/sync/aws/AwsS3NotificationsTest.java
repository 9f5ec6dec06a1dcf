package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.function.FunctionEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The message-body shapes a queue of S3 events can carry. */
class AwsS3NotificationsTest {

    private static String body(int index) {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-s3-notifications.json");
        return event.getRecords().get(index).getBody();
    }

    @Test
    void notificationBodyYieldsTheDecodedKeyAndNoAccount() {
        assertEquals(List.of(FunctionEvent.objectCreated("m", "s3://spoke-scans/stance/findings/sqs:good/findings.jsonl", null)),
                S3Notifications.fromMessageBody("m", body(0)));
    }

    @Test
    void eventBridgeBodyYieldsTheKeyAsIsAndTheEventsAccount() {
        assertEquals(List.of(FunctionEvent.objectCreated("m", "s3://spoke-scans/stance/assets/sqs:good/assets.jsonl",
                "123456789012")), S3Notifications.fromMessageBody("m", body(4)));
    }

    @Test
    void s3TestEventYieldsNothing() {
        assertTrue(S3Notifications.fromMessageBody("m", body(1)).isEmpty());
    }

    @Test
    void snsEnvelopeIsUnwrapped() {
        String inner = body(0).replace("\\", "\\\\").replace("\"", "\\\"");
        String envelope = "{\"Type\": \"Notification\", \"MessageId\": \"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\", "
                + "\"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:stance-scans\", \"Subject\": \"Amazon S3 Notification\", "
                + "\"Message\": \"" + inner + "\"}";
        assertEquals(S3Notifications.fromMessageBody("m", body(0)), S3Notifications.fromMessageBody("m", envelope));
    }

    @Test
    void removalRecordsAreIgnored() {
        List<FunctionEvent> events = S3Notifications.fromMessageBody("m",
                body(0).replace("ObjectCreated:Put", "ObjectRemoved:Delete"));
        assertEquals(List.of(FunctionEvent.Type.IGNORED), events.stream().map(FunctionEvent::type).toList());
        assertEquals("s3 ObjectRemoved:Delete", events.get(0).reason());
    }

    @Test
    void bodiesOfOtherShapesAreOneMalformedEventWithTheReason() {
        assertEquals(FunctionEvent.Type.MALFORMED, S3Notifications.fromMessageBody("m", body(3)).get(0).type());
        FunctionEvent e = S3Notifications.fromMessageBody("m",
                "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {}}]}").get(0);
        assertEquals(FunctionEvent.Type.MALFORMED, e.type());
        assertTrue(e.reason().contains("s3.bucket.name"), e.reason());
        assertEquals("message m", e.object());
    }
}
