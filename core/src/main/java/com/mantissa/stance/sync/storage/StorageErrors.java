package com.mantissa.stance.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The classification rules every cloud adapter shares when it translates an SDK failure. */
final class StorageErrors {

    /** The longest object key S3, GCS and Azure Blob Storage accept, in UTF-8 bytes. */
    static final int MAX_CLOUD_KEY_BYTES = 1024;

    /** One SDK call, made inside an adapter's translation template. */
    @FunctionalInterface
    interface SdkCall<T> {
        T call();
    }

    private StorageErrors() {
    }

    /**
     * A key longer than a cloud store's limit is that record's problem: refused before any
     * request, so that the store's own answer (a 400 that reads like a broken store) never comes.
     */
    static void requireCloudKey(String key, String location) {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CLOUD_KEY_BYTES) {
            throw new InvalidKeyException("key of " + bytes + " bytes ('" + key.substring(0, 64) + "…') is over the "
                    + "limit of " + location + ": keys hold at most 1,024 bytes");
        }
    }

    /** The call's result, or empty when it reports the object missing ({@link NotFoundException}). */
    static <T> Optional<T> absentWhenNotFound(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (NotFoundException absent) {
            return Optional.empty();
        }
    }

    /** Timeout, throttling and server errors: the same request may succeed later. */
    static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * The store's "slow down": 429 on every cloud, and 503, which S3 (SlowDown), GCS and Azure
     * (ServerBusy) answer when the request rate is over what the bucket or account takes.
     */
    static boolean isThrottlingStatus(int status) {
        return status == 429 || status == 503;
    }

    /** A failure with no HTTP answer behind it: refused, reset or timed-out connections. */
    static boolean isIoFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
