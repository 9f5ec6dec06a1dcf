package com.mantissa.stance.sync.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit, driven by explicit answer times (no wall clock): it grows while the
 * answer time holds, up to what the cores can serve, shrinks when it rises, halves on
 * throttling, and stays within its bounds.
 */
class ConcurrencyLimitTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong();
    private int held;

    private ConcurrencyLimit limit(int initial, int min, int max) {
        return ConcurrencyLimit.adaptive(initial, min, max, CORES, clock::get);
    }

    private static final int CORES = 2;

    /** Worker {@code worker} takes a record, as the batch runner does: within the limit, then started. */
    private static long take(ConcurrencyLimit limit, int worker) {
        assertTrue(worker < limit.allowed(), "worker " + worker + " at a limit of " + limit.allowed());
        return limit.start();
    }

    /**
     * Puts the whole limit to use with records that each hold their slot {@code holdMillis},
     * releases them, takes the slots again and answers one window of attempts in
     * {@code answerMillis} each.
     */
    private void windowOfHeldSlots(ConcurrencyLimit limit, long holdMillis, long answerMillis)
            throws InterruptedException {
        int n = limit.limit();
        long[] acquiredAt = new long[n];
        for (int i = 0; i < n; i++) {
            acquiredAt[i] = take(limit, i);
        }
        clock.addAndGet(holdMillis * MS);
        for (int i = 0; i < n; i++) {
            limit.release(acquiredAt[i]);
        }
        for (int i = 0; i < n; i++) {
            take(limit, i);
        }
        for (int i = 0; i < n; i++) {
            limit.onSample(answerMillis * MS);
        }
        clock.addAndGet(holdMillis * MS);
        for (int i = 0; i < n; i++) {
            limit.release(clock.get());
        }
    }

    /** Puts the whole limit to use, then answers one window of attempts in {@code millis} each. */
    private void window(ConcurrencyLimit limit, long millis) throws InterruptedException {
        while (held < limit.limit()) {
            take(limit, held); // worker number `held` takes a record
            held++;
        }
        int n = limit.limit();
        for (int i = 0; i < n; i++) {
            limit.onSample(millis * MS);
        }
    }

    @Test
    void doublesWhileTheAnswerTimeHoldsThenGrowsByOneAfterTheFirstSignOfCongestion() throws Exception {
        ConcurrencyLimit limit = limit(4, 2, 64);

        window(limit, 25);
        assertEquals(8, limit.limit(), "slow start doubles");
        window(limit, 26);
        assertEquals(16, limit.limit());
        window(limit, 45); // 1.8 x the fastest: no growth, slow start over
        assertEquals(16, limit.limit());
        window(limit, 30);
        assertEquals(17, limit.limit(), "after slow start: one more per good window");
        window(limit, 25);
        assertEquals(18, limit.limit());
    }

    @Test
    void recordsThatMostlyWaitForTheStoreLetTheLimitGrowAsBefore() throws Exception {
        ConcurrencyLimit limit = limit(4, 2, 64);

        windowOfHeldSlots(limit, 26, 25); // 25 of every 26 ms waiting: the cores could serve 104

        assertEquals(8, limit.limit());
        windowOfHeldSlots(limit, 26, 25);
        assertEquals(16, limit.limit());
    }

    @Test
    void recordsThatMostlyUseTheCoresStopTheLimitAtWhatTheCoresCanServe() throws Exception {
        ConcurrencyLimit limit = limit(3, 2, 64);

        // 3 of every 40 ms waiting for a store that answers in 3 ms, however many are under way:
        // the cores serve 2 x 2 / (1 - 3/40) = 4.3 records at once.
        windowOfHeldSlots(limit, 40, 3);
        assertEquals(4, limit.limit(), "doubling would reach 6; the cores' bound stops it at 4");
        for (int i = 0; i < 5; i++) {
            windowOfHeldSlots(limit, 40, 3);
        }
        assertEquals(4, limit.limit(), "no growth past the cores' bound");
    }

    @Test
    void aLimitAlreadyAboveWhatTheCoresCanServeIsNotCutForIt() throws Exception {
        ConcurrencyLimit limit = limit(16, 2, 64);

        for (int i = 0; i < 5; i++) {
            windowOfHeldSlots(limit, 40, 1);
        }

        assertEquals(16, limit.limit(), "the bound stops growth; only a slower store or throttling cuts");
    }

    @Test
    void shrinksByATenthWhenTheAnswerTimeMoreThanDoubles() throws Exception {
        ConcurrencyLimit limit = limit(20, 2, 64);
        window(limit, 25);
        assertEquals(40, limit.limit());

        window(limit, 60);

        assertEquals(36, limit.limit());
        window(limit, 60);
        assertEquals(32, limit.limit());
    }

    @Test
    void doesNotGrowWhileTheLimitIsNotInUse() throws Exception {
        ConcurrencyLimit limit = limit(8, 2, 64);
        take(limit, 0); // one record under way out of 8

        for (int i = 0; i < 8 * 5; i++) {
            limit.onSample(25 * MS);
        }

        assertEquals(8, limit.limit(), "fast answers with the limit unused say nothing about more");
    }

    @Test
    void halvesOnThrottlingOncePerWindow() throws Exception {
        ConcurrencyLimit limit = limit(32, 2, 64);
        window(limit, 25);
        assertEquals(64, limit.limit());

        limit.onThrottle();
        assertEquals(32, limit.limit(), "halved at once");
        limit.onThrottle();
        limit.onThrottle();
        assertEquals(32, limit.limit(), "throttles of requests sent at the old rate do not cut again");

        for (int i = 0; i < 32; i++) {
            limit.onSample(25 * MS);
        }
        limit.onThrottle();
        assertEquals(16, limit.limit(), "a throttle a window after the cut cuts again");
        assertEquals(4, limit.throttles());
        assertEquals(64, limit.highest());
    }

    @Test
    void staysWithinItsBounds() throws Exception {
        ConcurrencyLimit limit = limit(8, 3, 40);
        for (int i = 0; i < 20; i++) {
            window(limit, 25);
        }
        assertEquals(40, limit.limit(), "never above max");

        for (int i = 0; i < 200; i++) {
            limit.onThrottle();
        }
        assertEquals(3, limit.limit(), "never below min");
        assertThrows(IllegalArgumentException.class, () -> limit(1, 2, 64));
        assertThrows(IllegalArgumentException.class, () -> limit(8, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> limit(8, 2, 4));
    }

    @Test
    void aStoreStillSlowAtTheMinimumIsTakenAtItsNewSpeedAndTheLimitGrowsAgain() throws Exception {
        ConcurrencyLimit limit = limit(2, 2, 64);
        window(limit, 10);
        assertEquals(4, limit.limit());
        limit.onThrottle();
        assertEquals(2, limit.limit());

        window(limit, 50); // five times the fastest, at the minimum: the store is slower now
        assertEquals(2, limit.limit());
        window(limit, 50);

        assertEquals(3, limit.limit(), "50 ms is the new fastest, so it holds and the limit grows");
    }

    @Test
    void aFixedLimitIgnoresEverySignal() throws Exception {
        ConcurrencyLimit fixed = ConcurrencyLimit.fixed(4);
        for (int i = 0; i < 100; i++) {
            fixed.onSample(25 * MS);
            fixed.onThrottle();
        }
        assertEquals(4, fixed.limit());
        assertEquals(4, fixed.max());
        assertFalse(fixed.isAdaptive());
        Supplier<String> call = () -> "x";
        assertSame(call, fixed.measured(call), "a fixed limit measures nothing");
    }

    @Test
    void measuredAttemptsAreSamplesAndThrottledOnesAreThrottles() throws Exception {
        ConcurrencyLimit limit = limit(2, 2, 64);
        take(limit, 0);
        take(limit, 1);
        Supplier<String> answersIn25Ms = limit.measured(() -> {
            clock.addAndGet(25 * MS);
            return "ok";
        });
        assertEquals("ok", answersIn25Ms.get());
        assertEquals("ok", answersIn25Ms.get());
        assertEquals(4, limit.limit(), "two timed attempts made a good window");

        TransientStorageException slowDown = new TransientStorageException("503 SlowDown", null, true);
        TransientStorageException serverError = new TransientStorageException("500", null, false);
        assertSame(slowDown, assertThrows(TransientStorageException.class,
                () -> limit.measured(() -> { throw slowDown; }).get()), "rethrown for Retry to repeat");
        assertEquals(1, limit.throttles());
        assertEquals(2, limit.limit());
        assertThrows(TransientStorageException.class, () -> limit.measured(() -> { throw serverError; }).get());
        assertEquals(1, limit.throttles(), "a server error is a failure, not a throttle");
    }

    @Test
    void aWorkerBeyondTheLimitIsLetInOnlyOnceTheLimitGrows() {
        ConcurrencyLimit limit = limit(2, 2, 64);
        long first = take(limit, 0);
        take(limit, 1);
        assertEquals(2, limit.allowed(), "worker 2 is left out at a limit of 2");

        limit.release(first);
        assertEquals(2, limit.allowed(), "a record's end does not let a worker beyond the limit in");

        limit.onSample(25 * MS);
        limit.onSample(25 * MS); // a good window with the limit in use: it doubles to 4
        assertEquals(4, limit.allowed(), "the grown limit takes worker 2 in");
        assertEquals(4, limit.limit());
    }

    @Test
    void aFixedLimitNamesItsSize() {
        assertEquals("2", ConcurrencyLimit.fixed(2).toString());
    }
}
