package com.mantissa.stance.sync.engine.exec;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Repeats a store call that failed transiently, with exponential backoff and full jitter so
 * that many writers throttled together do not retry in lock-step.
 *
 * <p>It is the only layer that retries. The storage SDK clients make one attempt per call
 * (see {@code storage.StorageTimeouts}), because stacked retries multiply: GCS's 6 attempts
 * and Azure's 3 under this class's 3 made up to 18 requests for one failing call, none of
 * them counted, each with its own backoff, and a hung server held a thread for the product of
 * both. Here every attempt is counted ({@link #attempts()}, {@link #retries()}), there is one
 * backoff, and one {@linkplain #deadlineIn deadline} bounds the whole sync: after it no call
 * makes another attempt, so a store that accepts connections and never answers ends a sync
 * within the deadline plus one attempt's timeout.
 *
 * <p>It is also a circuit breaker for one sync: once {@link #OPEN_AFTER} calls in a row have
 * failed transiently after all their attempts, the store counts as down, and further calls
 * fail at once without touching it, except one probe per {@link #PROBE_INTERVAL_NANOS} whose
 * success closes the breaker again. Without it, a store that died mid-push cost every
 * remaining record its full backoff (~0.3 s each, 16 at a time): about a minute and a half
 * for 8,000 records, hours for a gigabyte scan, while retrying was known to be pointless.
 */
public final class Retry {
    static final int OPEN_AFTER = 32;
    static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    /**
     * Attempts per call. With the SDKs at one attempt each, 6 keeps a call through a burst of
     * throttling about as likely to succeed as the stacked 3 × 3 did.
     */
    static final int DEFAULT_ATTEMPTS = 6;
    /**
     * Attempts per call while the store answers "slow down" (429, 503 SlowDown, ServerBusy): a
     * throttled request is the store pacing the client, not failing, so it is retried longer
     * (backoff capped at {@link #MAX_BACKOFF_DOUBLINGS} doublings: ~6.4 s) rather than reported,
     * while the adaptive {@link ConcurrencyLimit} sends fewer at once.
     */
    static final int DEFAULT_THROTTLED_ATTEMPTS = 10;
    static final int MAX_BACKOFF_DOUBLINGS = 6;
    static final long DEFAULT_BASE_DELAY_MILLIS = 100;

    private final int attempts;
    private final int throttledAttempts;
    private final long baseDelayMillis;
    private final LongSupplier nanoTime;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong attemptsMade = new AtomicLong();
    private volatile String lastFailure;
    private volatile boolean hasDeadline;
    private volatile long deadlineNanos;
    private volatile Duration deadlineBudget;

    public Retry(int attempts, long baseDelayMillis) {
        this(attempts, baseDelayMillis, System::nanoTime);
    }

    public Retry(int attempts, long baseDelayMillis, LongSupplier nanoTime) {
        this(attempts, attempts, baseDelayMillis, nanoTime);
    }

    /** @param throttledAttempts attempts per call once the store throttled it (at least {@code attempts}) */
    public Retry(int attempts, int throttledAttempts, long baseDelayMillis, LongSupplier nanoTime) {
        if (attempts < 1 || throttledAttempts < attempts) {
            throw new IllegalArgumentException("need 1 <= attempts <= throttled attempts, got " + attempts + ", "
                    + throttledAttempts);
        }
        this.attempts = attempts;
        this.throttledAttempts = throttledAttempts;
        this.baseDelayMillis = baseDelayMillis;
        this.nanoTime = nanoTime;
    }

    public static Retry defaults() {
        return new Retry(DEFAULT_ATTEMPTS, DEFAULT_THROTTLED_ATTEMPTS, DEFAULT_BASE_DELAY_MILLIS, System::nanoTime);
    }

    /**
     * From now on, calls stop making attempts {@code budget} from now: a call that would start
     * an attempt or back off past it fails with a {@link TransientStorageException} that names
     * the deadline. An attempt already under way ends by the SDK's own timeout. {@code null}
     * removes the deadline.
     */
    public Retry deadlineIn(Duration budget) {
        if (budget == null) {
            hasDeadline = false;
            return this;
        }
        if (budget.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + budget);
        }
        deadlineBudget = budget;
        deadlineNanos = nanoTime.getAsLong() + budget.toNanos();
        hasDeadline = true;
        return this;
    }

    public <T> T call(Supplier<T> call) {
        int allowed = attempts;
        if (consecutiveFailures.get() >= OPEN_AFTER) {
            long now = nanoTime.getAsLong();
            long probeAt = nextProbe.get();
            if (now - probeAt < 0 || !nextProbe.compareAndSet(probeAt, now + PROBE_INTERVAL_NANOS)) {
                throw new TransientStorageException("not attempted: the store failed " + consecutiveFailures.get()
                        + " calls in a row (last: " + lastFailure + ")", null);
            }
            allowed = 1; // the probe: one attempt, no backoff
        }
        for (int attempt = 1; ; attempt++) {
            requireTimeLeft(attempt, null);
            attemptsMade.incrementAndGet();
            try {
                T result = call.get();
                consecutiveFailures.set(0);
                return result;
            } catch (TransientStorageException e) {
                if (attempt >= (e.throttled() && allowed == attempts ? throttledAttempts : allowed)) {
                    lastFailure = e.getMessage();
                    if (consecutiveFailures.incrementAndGet() == OPEN_AFTER) {
                        nextProbe.set(nanoTime.getAsLong() + PROBE_INTERVAL_NANOS);
                    }
                    throw e;
                }
                long ceiling = baseDelayMillis << Math.min(attempt - 1, MAX_BACKOFF_DOUBLINGS);
                long pause = ThreadLocalRandom.current().nextLong(ceiling) + 1;
                if (hasDeadline && nanoTime.getAsLong() + pause * 1_000_000L - deadlineNanos > 0) {
                    requireTimeLeft(Integer.MAX_VALUE, e); // backing off would end past the deadline
                }
                retries.incrementAndGet();
                sleep(pause);
            }
        }
    }

    private void requireTimeLeft(int attempt, TransientStorageException last) {
        if (hasDeadline && (attempt == Integer.MAX_VALUE || nanoTime.getAsLong() - deadlineNanos >= 0)) {
            String after = last == null ? "" : " (last failure: " + last.getMessage() + ")";
            lastFailure = "deadline of " + deadlineBudget + " passed" + after;
            throw new TransientStorageException("not attempted: the sync's deadline of " + deadlineBudget.toSeconds()
                    + " s has passed" + after, last);
        }
    }

    /** Attempts repeated after a transient failure, over the life of this instance. */
    public long retries() {
        return retries.get();
    }

    /** Every attempt made, first ones included: each is one request to the store. */
    public long attempts() {
        return attemptsMade.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStorageException("interrupted while backing off", e);
        }
    }
}
