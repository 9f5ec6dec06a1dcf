package com.mantissa.stance.sync.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NotificationTargetsTest {

    @Test
    void eachCloudsTargetIsOpenedWithItsMessageLimit() {
        try (NotificationTarget sns = NotificationTargets.open("arn:aws:sns:eu-west-1:123456789012:changes")) {
            assertEquals("arn:aws:sns:eu-west-1:123456789012:changes", sns.uri());
            assertEquals(262_144, sns.maxMessageBytes());
        }
        try (NotificationTarget pubsub = NotificationTargets.open("pubsub://project-1/changes")) {
            assertEquals("pubsub://project-1/changes", pubsub.uri());
            assertEquals(262_144, pubsub.maxMessageBytes());
        }
        try (NotificationTarget azure = NotificationTargets.open("azq://account1/changes")) {
            // 64 KiB after Base64 is 48 KiB before it.
            assertEquals(49_152, azure.maxMessageBytes());
        }
    }

    @Test
    void aTargetOfNoAcceptedFormIsRefusedNamingTheForms() {
        for (String bad : new String[] {"", "sns://topic", "arn:aws:sqs:eu-west-1:123456789012:q",
                "arn:aws:sns:eu-west-1:1234:t", "pubsub://project", "pubsub://project/topic/subscription",
                "azq://account", "azq://account/a/b", "https://example.com/queue", "s3://bucket"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotificationTargets.open(bad),
                    bad);
            assertTrue(e.getMessage().contains("expected"), bad + ": " + e.getMessage());
        }
    }

    @Test
    void aFifoTopicIsRefusedForItsMissingGroupAndItsSqsOnlySubscribers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotificationTargets.open("arn:aws:sns:eu-west-1:123456789012:changes.fifo"));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
    }
}
