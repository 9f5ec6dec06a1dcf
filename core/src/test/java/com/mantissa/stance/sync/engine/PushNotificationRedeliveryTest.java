package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.notify.NotificationException;
import com.mantissa.stance.sync.notify.NotificationTarget;
import com.mantissa.stance.sync.notify.SeverityThreshold;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a digest can reach its target twice. A digest goes out only for a push that created its
 * change-feed object (created only if absent), and each change is recorded by the one delivery
 * whose conditional write of the record won. So an event delivered again, after its first
 * delivery finished or while it runs (even across midnight UTC, where the two feed objects would
 * have different keys), sends nothing more. The one way a part arrives twice is a publish that
 * the service accepted but whose answer was lost: the retry publishes it again.
 */
class PushNotificationRedeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "111122223333";
    private static final Instant DAY_1 = Instant.parse("2026-06-01T23:59:58Z");
    private static final Instant DAY_2 = Instant.parse("2026-06-02T00:00:03Z");

    /** A hand-written fake target that keeps what it is sent, failing the first {@code failures} calls. */
    static class RecordingFakeTarget implements NotificationTarget {
        final List<String> bodies = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;
        private final boolean retryable;

        RecordingFakeTarget(int failures, boolean retryable) {
            this.failures = failures;
            this.retryable = retryable;
        }

        @Override
        public synchronized String publish(String body) {
            if (calls.incrementAndGet() <= failures) {
                throw new NotificationException("publish to fake: HTTP " + (retryable ? 503 : 403), retryable, null);
            }
            bodies.add(body);
            return "m-" + bodies.size();
        }

        @Override
        public int maxMessageBytes() {
            return 262_144;
        }

        @Override
        public String uri() {
            return "fake://changes";
        }
    }

    private static MemoryStore scan() {
        MemoryStore source = new MemoryStore();
        source.writeRecord("findings.jsonl", ("""
                {"id": "f-1", "finding_type": "misconfiguration", "severity": "critical", "status": "open", "title": "One"}
                {"id": "f-2", "finding_type": "misconfiguration", "severity": "low", "status": "open", "title": "Two"}
                """).getBytes(StandardCharsets.UTF_8));
        return source;
    }

    private static CrossCloudSync delivery(StorageAdapter central, Instant at) {
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), central).trackState(false)
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanFiles(scan(), List.of(new ScanLocator.ScanFile(RecordKind.FINDING, "findings.jsonl",
                "findings.jsonl")), ACCOUNT, "aws");
        return sync;
    }

    private static void pushAndNotify(CrossCloudSync sync, PushNotifier notifier) {
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.toString());
        notifier.sendAll(sync.lastChanges());
    }

    private static PushNotifier notifier(RecordingFakeTarget target) {
        return new PushNotifier(target, SeverityThreshold.of("high"), new Retry(6, 10, 1, System::nanoTime));
    }

    @Test
    void anEventDeliveredAgainAfterItsPushFinishedSendsNothing() throws Exception {
        MemoryStore central = new MemoryStore();
        RecordingFakeTarget target = new RecordingFakeTarget(0, false);

        pushAndNotify(delivery(central, DAY_1), notifier(target));
        pushAndNotify(delivery(central, DAY_1), notifier(target));
        pushAndNotify(delivery(central, DAY_2), notifier(target));

        assertEquals(1, target.bodies.size(), String.join("\n", target.bodies));
        JsonNode digest = JSON.readTree(target.bodies.get(0));
        assertEquals(1, digest.get("changes").size(), "f-2 is low: below the threshold");
        assertEquals("f-1", digest.get("changes").get(0).get("id").asText());
        assertEquals("opened", digest.get("changes").get(0).get("change").asText());
    }

    @Test
    void twoDeliveriesRacingSendOneDigestOnOneDayAndAcrossMidnight() throws Exception {
        assertEquals(1, raceOf(DAY_1, DAY_1), "same UTC day");
        assertEquals(1, raceOf(DAY_1, DAY_2), "across midnight UTC: the record writes decide, not the feed key");
    }

    @Test
    void aPublishWhoseAnswerWasLostIsSentAgainByTheRetry() throws Exception {
        RecordingFakeTarget target = new RecordingFakeTarget(0, false) {
            private boolean answerLost;

            @Override
            public synchronized String publish(String body) {
                String id = super.publish(body);
                if (!answerLost) {
                    answerLost = true; // accepted, but the connection dropped before the answer
                    throw new NotificationException("publish to fake: SdkClientException (connection failed)", true, null);
                }
                return id;
            }
        };

        pushAndNotify(delivery(new MemoryStore(), DAY_1), notifier(target));

        assertEquals(2, target.bodies.size());
        assertEquals(target.bodies.get(0), target.bodies.get(1), "the same part, which a consumer drops by push and part");
    }

    /** The first delivery reads central, then waits before its first write while the second runs whole. */
    private static int raceOf(Instant first, Instant second) throws Exception {
        MemoryStore central = new MemoryStore();
        RecordingFakeTarget target = new RecordingFakeTarget(0, false);
        CountDownLatch atFirstWrite = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        StorageAdapter held = new ForwardingStore(central) {
            private boolean waited;

            @Override
            public synchronized String writeRecord(String path, byte[] content, WriteCondition condition) {
                if (!waited) {
                    waited = true;
                    atFirstWrite.countDown();
                    try {
                        assertTrue(goOn.await(60, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                return super.writeRecord(path, content, condition);
            }
        };
        CompletableFuture<Void> delivery1 = CompletableFuture.runAsync(() -> pushAndNotify(delivery(held, first),
                notifier(target)));
        assertTrue(atFirstWrite.await(60, TimeUnit.SECONDS));
        pushAndNotify(delivery(central, second), notifier(target));
        goOn.countDown();
        delivery1.get(60, TimeUnit.SECONDS);
        for (String body : target.bodies) {
            JsonNode digest = JSON.readTree(body);
            assertEquals("f-1", digest.get("changes").get(0).get("id").asText());
        }
        return target.bodies.size();
    }

    @Test
    void aTransientFailureIsRetriedAndARefusalIsNotAndTheErrorNamesThePushAndPart() {
        RecordingFakeTarget flaky = new RecordingFakeTarget(3, true);
        pushAndNotify(delivery(new MemoryStore(), DAY_1), notifier(flaky));
        assertEquals(1, flaky.bodies.size());
        assertEquals(4, flaky.calls.get(), "three failures, then the message");

        RecordingFakeTarget refusing = new RecordingFakeTarget(Integer.MAX_VALUE, false);
        CrossCloudSync sync = delivery(new MemoryStore(), DAY_1);
        assertTrue(sync.sync().success());
        NotificationException e = org.junit.jupiter.api.Assertions.assertThrows(NotificationException.class,
                () -> notifier(refusing).sendAll(sync.lastChanges()));
        assertEquals(1, refusing.calls.get(), "a refusal is not retried");
        assertTrue(e.getMessage().contains("part 1 of 1 (0 sent)") && e.getMessage().contains(
                sync.lastChanges().get(0).push()) && e.getMessage().contains("HTTP 403"), e.getMessage());
    }
}
