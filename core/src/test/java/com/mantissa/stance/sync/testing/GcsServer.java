package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The GCS test backend: one {@link FakeGcsJsonApiServer} per test JVM on a free loopback port,
 * reached by the real client through {@code STORAGE_EMULATOR_HOST} as production reaches GCS.
 */
public final class GcsServer {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static FakeGcsJsonApiServer server;

    private GcsServer() {
    }

    /** Starts the server on first use; it stops with the JVM. */
    public static synchronized FakeGcsJsonApiServer get() {
        if (server == null) {
            try {
                server = FakeGcsJsonApiServer.start();
            } catch (IOException e) {
                // In-process and JDK-only: the only way to fail is no free loopback port.
                throw new UncheckedIOException("could not start FakeGcsJsonApiServer on a loopback port", e);
            }
            FakeGcsJsonApiServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "fake-gcs-stop"));
        }
        return server;
    }

    /** The environment a process needs to reach this server: {@code STORAGE_EMULATOR_HOST}. */
    public static Map<String, String> environment() {
        return Map.of(GCSStorageAdapter.EMULATOR_HOST_VARIABLE, get().endpoint());
    }

    /** Creates a bucket no other test uses, so tests stay independent in one shared server. */
    public static String newBucket() {
        String bucket = "stance-test-" + BUCKETS.incrementAndGet();
        get().createBucket(bucket);
        return bucket;
    }
}
