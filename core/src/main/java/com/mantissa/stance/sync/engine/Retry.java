package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Repeats a store call that failed transiently, with exponential backoff and full jitter so
 * that many writers throttled together do not retry in lock-step. The SDKs retry too; this
 * covers the local store and what outlives the SDK's own attempts.
 *
 * <p>It is also a circuit breaker for one sync: once {@link #OPEN_AFTER} calls in a row have
 * failed transiently after all their attempts, the store counts as down, and further calls
 * fail at once without touching it, except one probe per {@link #PROBE_INTERVAL_NANOS} whose
 * success closes the breaker again. Without it, a store that died mid-push cost every
 * remaining record its full backoff (~0.3 s each, 16 at a time): about a minute and a half
 * for 8,000 records, hours for a gigabyte scan, while retrying was known to be pointless.
 */
final class Retry {
    static final int OPEN_AFTER = 32;
    static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private final int attempts;
    private final long baseDelayMillis;
    private final LongSupplier nanoTime;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile String lastFailure;

    Retry(int attempts, long baseDelayMillis) {
        this(attempts, baseDelayMillis, System::nanoTime);
    }

    Retry(int attempts, long baseDelayMillis, LongSupplier nanoTime) {
        this.attempts = attempts;
        this.baseDelayMillis = baseDelayMillis;
        this.nanoTime = nanoTime;
    }

    static Retry defaults() {
        return new Retry(3, 100);
    }

    <T> T call(Supplier<T> call) {
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
            try {
                T result = call.get();
                consecutiveFailures.set(0);
                return result;
            } catch (TransientStorageException e) {
                if (attempt >= allowed) {
                    lastFailure = e.getMessage();
                    if (consecutiveFailures.incrementAndGet() == OPEN_AFTER) {
                        nextProbe.set(nanoTime.getAsLong() + PROBE_INTERVAL_NANOS);
                    }
                    throw e;
                }
                retries.incrementAndGet();
                sleep(ThreadLocalRandom.current().nextLong(baseDelayMillis << (attempt - 1)) + 1);
            }
        }
    }

    /** Attempts repeated after a transient failure, over the life of this instance. */
    long retries() {
        return retries.get();
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
