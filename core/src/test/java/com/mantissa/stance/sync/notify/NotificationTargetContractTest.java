package com.mantissa.stance.sync.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChange.Kind;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a push's digest relies on from every {@link NotificationTarget}, run against each
 * service's real server on loopback (moto's SNS with an SQS subscription, Google's Pub/Sub
 * emulator, Azurite's queue service): messages up to the target's limit are accepted and arrive
 * exactly as sent, and a target that does not exist is refused without retrying.
 */
abstract class NotificationTargetContractTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A target under test and a receiver of what reaches it. */
    record Fixture(NotificationTarget target, WorkQueue receiver) {
    }

    /** A new target named {@code name} (unique per test) with a subscriber. */
    abstract Fixture create(String name);

    /** A target on the same server that does not exist. */
    abstract NotificationTarget missingTarget();

    static String uniqueName() {
        return "changes-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    @Test
    void aDigestOverOneMessageArrivesAsItsPartsEachAcceptedAtUpToTheLimit() throws Exception {
        Fixture f = create(uniqueName());
        try (NotificationTarget target = f.target(); WorkQueue receiver = f.receiver()) {
            List<FindingChange> changes = new ArrayList<>();
            OffsetDateTime at = OffsetDateTime.of(2026, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC);
            // Long titles with non-ASCII text, so parts are large and counted in UTF-8 bytes, not characters.
            String title = "Bucket policy allows public read — ßucket «ünsafe» ".repeat(20);
            for (int i = 0; i < 300; i++) {
                changes.add(new FindingChange(at, "111122223333", "aws", String.format("f-%04d", i),
                        i % 3 == 0 ? Kind.RESOLVED : Kind.OPENED, "critical", null, title + i, "asset-" + i, "snap-1",
                        null));
            }
            List<String> messages = Digest.of("111122223333", "aws", "snap-1", "push-1", changes,
                    SeverityThreshold.of("high")).messages(target.maxMessageBytes());
            assertTrue(messages.size() >= 2, "the digest should need parts: " + messages.size());
            int largest = messages.stream().mapToInt(m -> m.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
            assertTrue(largest > target.maxMessageBytes() - 2_000, "a part close to the limit: " + largest);

            Set<String> ids = new HashSet<>();
            for (String m : messages) {
                ids.add(target.publish(m));
            }
            assertEquals(messages.size(), ids.size(), "each publish returns its own id");

            List<String> received = receive(receiver, messages.size());
            assertEquals(messages.size(), received.size(), "messages received");
            // Compared whole, but not printed whole: a part is up to 256 KiB.
            assertTrue(new HashSet<>(messages).equals(new HashSet<>(received)), "the parts arrive exactly as sent");
            Set<Integer> parts = new HashSet<>();
            for (String r : received) {
                JsonNode m = JSON.readTree(r);
                parts.add(m.get("part").asInt());
                assertEquals(messages.size(), m.get("parts").asInt());
            }
            assertEquals(messages.size(), parts.size());
        }
    }

    @Test
    void aTargetThatDoesNotExistIsRefusedAsNotWorthRetrying() {
        try (NotificationTarget missing = missingTarget()) {
            NotificationException e = assertThrows(NotificationException.class, () -> missing.publish("{}"));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains(missing.uri().replaceFirst("^azq://[^/]+/", "")), e.getMessage());
        }
    }

    private static List<String> receive(WorkQueue receiver, int expected) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (bodies.size() < expected && System.nanoTime() < deadline) {
            for (QueueMessage m : receiver.receive(receiver.maxReceive(), Duration.ofSeconds(60), Duration.ofSeconds(10))) {
                bodies.add(m.body());
                receiver.ack(m);
            }
        }
        return bodies;
    }
}
