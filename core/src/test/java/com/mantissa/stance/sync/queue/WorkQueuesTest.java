package com.mantissa.stance.sync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The queue URI forms; opening a queue makes no request. */
class WorkQueuesTest {

    @Test
    void eachFormOpensItsPlatformsQueue() {
        try (WorkQueue q = WorkQueues.open("azq://acct/stance-work")) {
            assertInstanceOf(AzureStorageWorkQueue.class, q);
        }
        try (WorkQueue q = WorkQueues.open("https://acct.queue.core.windows.net/stance-work")) {
            assertInstanceOf(AzureStorageWorkQueue.class, q);
        }
        try (WorkQueue q = WorkQueues.open("pubsub://my-project/stance-work/stance-worker")) {
            assertInstanceOf(PubSubWorkQueue.class, q);
            assertEquals("pubsub://my-project/stance-work/stance-worker", q.uri());
        }
        try (WorkQueue q = WorkQueues.open("https://sqs.eu-west-1.amazonaws.com/123456789012/stance-work")) {
            assertInstanceOf(SqsWorkQueue.class, q);
            assertEquals("https://sqs.eu-west-1.amazonaws.com/123456789012/stance-work", q.uri());
        }
    }

    @Test
    void aPubSubTopicWithoutSubscriptionCanSendButNotReceive() {
        try (WorkQueue q = WorkQueues.open("pubsub://my-project/stance-work")) {
            QueueException e = assertThrows(QueueException.class,
                    () -> q.receive(1, java.time.Duration.ofSeconds(10), java.time.Duration.ZERO));
            assertTrue(e.getMessage().contains("names no subscription"), e.getMessage());
        }
    }

    @Test
    void otherFormsAreRefusedWithTheAcceptedOnes() {
        for (String bad : new String[] {"", "sqs://name", "azq://acct", "azq://acct/a/b", "pubsub://p",
                "https://sqs.eu-west-1.amazonaws.com/name-only", "ftp://x/y"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkQueues.open(bad), bad);
            assertTrue(e.getMessage().contains("expected") || e.getMessage().contains("SQS queue URL"), e.getMessage());
        }
    }
}
