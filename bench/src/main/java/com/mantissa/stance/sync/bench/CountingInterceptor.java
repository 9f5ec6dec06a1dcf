package com.mantissa.stance.sync.bench;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts every HTTP request the AWS SDK sends, retries included. Registered through the SDK's
 * global interceptor file on the benchmark's classpath, so the engine runs unmodified.
 */
public final class CountingInterceptor implements ExecutionInterceptor {
    private static final AtomicLong REQUESTS = new AtomicLong();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        REQUESTS.incrementAndGet();
    }

    static long requests() {
        return REQUESTS.get();
    }

    static void reset() {
        REQUESTS.set(0);
    }
}
