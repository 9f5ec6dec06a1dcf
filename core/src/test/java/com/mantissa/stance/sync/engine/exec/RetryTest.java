package com.mantissa.stance.sync.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final Retry retry = new Retry(3, 1, now::get);
    private final AtomicInteger calls = new AtomicInteger();

    private final Supplier<String> down = () -> {
        calls.incrementAndGet();
        throw new TransientStorageException("read s3://b/k: SdkClientException (connection failed or timed out)", null);
    };

    @Test
    void aTransientFailureIsRetriedAndCounted() {
        AtomicInteger n = new AtomicInteger();
        String result = retry.call(() -> {
            if (n.incrementAndGet() < 3) {
                throw new TransientStorageException("503 SlowDown", null);
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(2, retry.retries());
    }

    @Test
    void aStoreThatKeepsFailingIsNoLongerCalledUntilTheNextProbe() {
        for (int i = 0; i < Retry.OPEN_AFTER; i++) {
            assertThrows(TransientStorageException.class, () -> retry.call(down));
        }
        assertEquals(3 * Retry.OPEN_AFTER, calls.get(), "every call made all its attempts");

        TransientStorageException fast = assertThrows(TransientStorageException.class, () -> retry.call(down));
        assertEquals(3 * Retry.OPEN_AFTER, calls.get(), "the open breaker does not call the store");
        assertTrue(fast.getMessage().startsWith("not attempted: the store failed 32 calls in a row (last: read s3://b/k"),
                fast.getMessage());
        assertTrue(fast.getMessage().contains("connection failed or timed out"), fast.getMessage());

        now.addAndGet(Retry.PROBE_INTERVAL_NANOS);
        assertThrows(TransientStorageException.class, () -> retry.call(down));
        assertEquals(3 * Retry.OPEN_AFTER + 1, calls.get(), "one probe, one attempt");
        assertThrows(TransientStorageException.class, () -> retry.call(down));
        assertEquals(3 * Retry.OPEN_AFTER + 1, calls.get(), "no second probe within the interval");

        now.addAndGet(Retry.PROBE_INTERVAL_NANOS);
        assertEquals("back", retry.call(() -> "back"));
        assertEquals("again", retry.call(() -> "again"), "a successful probe closes the breaker");
        AtomicInteger n = new AtomicInteger();
        assertEquals("retried", retry.call(() -> {
            if (n.incrementAndGet() == 1) {
                throw new TransientStorageException("503", null);
            }
            return "retried";
        }), "closed again: full attempts");
    }

    @Test
    void aSuccessInBetweenKeepsTheBreakerClosed() {
        for (int i = 0; i < 5 * Retry.OPEN_AFTER; i++) {
            assertThrows(TransientStorageException.class, () -> retry.call(down));
            if (i % (Retry.OPEN_AFTER - 1) == 0) {
                retry.call(() -> "ok");
            }
        }
        assertEquals(3 * 5 * Retry.OPEN_AFTER, calls.get());
    }

    @Test
    void everyAttemptIsCountedTheFirstOnesToo() {
        assertThrows(TransientStorageException.class, () -> retry.call(down));
        retry.call(() -> "ok");

        assertEquals(4, retry.attempts(), "three for the failing call, one for the other");
        assertEquals(2, retry.retries());
    }

    @Test
    void afterTheDeadlineNoCallTouchesTheStore() {
        retry.deadlineIn(Duration.ofSeconds(10));
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        TransientStorageException e = assertThrows(TransientStorageException.class, () -> retry.call(down));

        assertEquals(0, calls.get());
        assertTrue(e.getMessage().contains("deadline of 10 s has passed"), e.getMessage());
    }

    @Test
    void aBackoffThatWouldEndPastTheDeadlineIsNotWaitedFor() {
        Retry slow = new Retry(6, 60_000, now::get).deadlineIn(Duration.ofSeconds(1));

        TransientStorageException e = assertThrows(TransientStorageException.class, () -> slow.call(down));

        assertEquals(1, calls.get(), "the first attempt is made; the minute-long backoff is not");
        assertTrue(e.getMessage().contains("deadline") && e.getMessage().contains("connection failed"), e.getMessage());
    }

    @Test
    void aThrottledCallIsRetriedLongerThanAFailingOne() {
        Retry defaults = new Retry(Retry.DEFAULT_ATTEMPTS, Retry.DEFAULT_THROTTLED_ATTEMPTS, 1, now::get);
        AtomicInteger n = new AtomicInteger();
        String result = defaults.call(() -> {
            if (n.incrementAndGet() < 9) {
                throw new TransientStorageException("503 SlowDown", null, true);
            }
            return "ok";
        });
        assertEquals("ok", result, "eight throttled answers in a row, then the store took it");
        assertEquals(9, n.get());

        Supplier<String> throttling = () -> {
            calls.incrementAndGet();
            throw new TransientStorageException("429", null, true);
        };
        assertThrows(TransientStorageException.class, () -> defaults.call(throttling));
        assertEquals(10, calls.get(), "a store that never stops throttling is given up on after 10 attempts");
        calls.set(0);
        assertThrows(TransientStorageException.class, () -> defaults.call(down));
        assertEquals(6, calls.get(), "a failure that is not throttling keeps the 6 attempts");
    }

    @Test
    void withoutADeadlineTheDefaultsMakeSixAttempts() {
        Retry defaults = new Retry(Retry.DEFAULT_ATTEMPTS, 1, now::get);
        assertThrows(TransientStorageException.class, () -> defaults.call(down));
        assertEquals(6, calls.get());
    }
}
