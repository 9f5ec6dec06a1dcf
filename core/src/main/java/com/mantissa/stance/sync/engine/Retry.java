package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Repeats a store call that failed transiently, with exponential backoff and full jitter so
 * that many writers throttled together do not retry in lock-step. The SDKs retry too; this
 * covers the local store and what outlives the SDK's own attempts.
 */
final class Retry {
    private final int attempts;
    private final long baseDelayMillis;

    Retry(int attempts, long baseDelayMillis) {
        this.attempts = attempts;
        this.baseDelayMillis = baseDelayMillis;
    }

    static Retry defaults() {
        return new Retry(3, 100);
    }

    <T> T call(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (TransientStorageException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                sleep(ThreadLocalRandom.current().nextLong(baseDelayMillis << (attempt - 1)) + 1);
            }
        }
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
