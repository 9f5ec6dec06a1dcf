package com.mantissa.stance.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/** The classification rules every cloud adapter shares when it translates an SDK failure. */
final class StorageErrors {
    private StorageErrors() {
    }

    /** Timeout, throttling and server errors: the same request may succeed later. */
    static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
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
