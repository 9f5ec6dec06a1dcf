package com.mantissa.stance.sync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the fan-out relies on from every {@link WorkQueue}, run against each platform's real
 * server (moto's SQS, Azurite's queue service, Google's Pub/Sub emulator). Each test gets a
 * fresh queue whose dead-letter destination takes a message after {@link #MAX_DELIVERIES}
 * deliveries, and a reader on that destination.
 */
abstract class WorkQueueContractTest {
    /** Deliveries before a message is dead-lettered in the queues the subclasses create. */
    static final int MAX_DELIVERIES = 5;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A queue under test and a receiver on its dead-letter destination. */
    record Fixture(WorkQueue queue, WorkQueue deadLetters) {
    }

    /** A new, empty queue named {@code name} (unique per test). */
    abstract Fixture create(String name);

    private Fixture fixture;
    private WorkQueue queue;

    @BeforeEach
    void createQueue() {
        fixture = create("work-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        queue = fixture.queue();
    }

    @AfterEach
    void closeQueue() {
        fixture.queue().close();
        fixture.deadLetters().close();
    }

    @Test
    void aSentMessageIsReceivedWithItsBodyAndFirstDelivery() {
        String body = "{\"location\": \"s3://spoke/scan\", \"account\": \"123456789012\", \"note\": \"snowman \u2603\"}";
        String id = queue.send(body);

        List<QueueMessage> received = receiveAll(1, LONG);

        assertEquals(1, received.size());
        assertEquals(body, received.get(0).body());
        assertEquals(id, received.get(0).id());
        assertTrue(received.get(0).deliveryCount() <= 1, "first delivery: " + received.get(0));
    }

    @Test
    void aReceivedMessageStaysHiddenFromOtherReceiversUntilItsDeadline() {
        queue.send("one");
        assertEquals(1, receiveAll(1, LONG).size());

        assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(1)));
    }

    @Test
    void anAcknowledgedMessageIsNeverDeliveredAgain() throws InterruptedException {
        queue.send("done");
        QueueMessage m = receiveAll(1, Duration.ofSeconds(1)).get(0);
        queue.ack(m);

        Thread.sleep(1500);
        assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(2)));
    }

    @Test
    void aNackedMessageComesBackAtOnceAsAnotherDelivery() {
        queue.send("again");
        QueueMessage first = receiveAll(1, LONG).get(0);
        queue.nack(first);

        List<QueueMessage> second = receiveAll(1, LONG);

        assertEquals(1, second.size());
        assertEquals("again", second.get(0).body());
        assertEquals(first.id(), second.get(0).id());
        if (first.deliveryCount() > 0) {
            assertEquals(first.deliveryCount() + 1, second.get(0).deliveryCount());
        }
        queue.ack(second.get(0));
    }

    @Test
    void anExtendedMessageStaysHiddenPastItsFirstDeadline() throws InterruptedException {
        queue.send("long work");
        QueueMessage m = receiveAll(1, Duration.ofSeconds(1)).get(0);
        QueueMessage extended = queue.extend(m, LONG);

        Thread.sleep(2500);
        assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(1)));
        queue.ack(extended);
    }

    @Test
    void manyMessagesAreEachDeliveredOnceWhenAcknowledged() {
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            String body = "source-" + i;
            queue.send(body);
            sent.add(body);
        }
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (bodies.size() < sent.size() && System.nanoTime() < deadline) {
            List<QueueMessage> batch = queue.receive(7, LONG, WAIT);
            assertTrue(batch.size() <= 7, "at most the asked-for number: " + batch.size());
            for (QueueMessage m : batch) {
                bodies.add(m.body());
                queue.ack(m);
            }
        }
        assertEquals(sent.size(), bodies.size(), "every message once: " + bodies);
        assertEquals(sent, new HashSet<>(bodies));
        assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(1)));
    }

    @Test
    void anEmptyQueueAnswersEmptyAfterTheWait() {
        long started = System.nanoTime();
        assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos());
    }

    @Test
    void aMessageDeliveredTooOftenGoesToTheDeadLetterDestination() {
        assertTrue(queue.deadLetter().isPresent(), "a dead-letter destination is configured");
        queue.send("poison");
        for (int delivery = 1; delivery <= MAX_DELIVERIES; delivery++) {
            List<QueueMessage> received = receiveAll(1, LONG);
            assertEquals(1, received.size(), "delivery " + delivery);
            queue.nack(received.get(0));
        }

        // The platform (or, for Azure, the adapter) moves the message on the next attempt.
        List<QueueMessage> dead = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (dead.isEmpty() && System.nanoTime() < deadline) {
            assertEquals(List.of(), queue.receive(10, LONG, Duration.ofSeconds(1)), "not delivered a "
                    + (MAX_DELIVERIES + 1) + "th time");
            dead = fixture.deadLetters().receive(10, LONG, Duration.ofSeconds(1));
        }
        assertEquals(1, dead.size(), "dead-lettered once");
        assertEquals("poison", dead.get(0).body());
    }

    @Test
    void aMissingQueueIsAPermanentFailure() {
        WorkQueue missing = missingQueue();
        try {
            QueueException e = org.junit.jupiter.api.Assertions.assertThrows(QueueException.class, () -> missing.send("x"));
            assertFalse(e.retryable(), e.getMessage());
        } finally {
            missing.close();
        }
    }

    /** A queue on the same server that does not exist. */
    abstract WorkQueue missingQueue();

    /** Receives until {@code count} messages arrived (bounded), asserting no more than that. */
    private List<QueueMessage> receiveAll(int count, Duration visibility) {
        List<QueueMessage> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            all.addAll(queue.receive(count - all.size(), visibility, WAIT));
        }
        return all;
    }
}
