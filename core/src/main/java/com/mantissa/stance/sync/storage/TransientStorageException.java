package com.mantissa.stance.sync.storage;

/**
 * Throttling, server errors, timeouts and dropped connections (429, 500, 503, SlowDown):
 * the call may succeed if repeated later.
 *
 * <p>{@link #throttled()} tells the store's own "slow down" (S3 503 SlowDown, GCS 429 and 503,
 * Azure 503 ServerBusy, any 429) apart from a failure: the request was refused because too
 * many were sent, so the engine sends fewer at once, not only later.
 */
public class TransientStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final boolean throttled;

    public TransientStorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** @param throttled the store asked the client to slow down (see {@link #throttled()}) */
    public TransientStorageException(String message, Throwable cause, boolean throttled) {
        super(message, cause);
        this.throttled = throttled;
    }

    /** The store refused the request because of the request rate, not because it failed. */
    public boolean throttled() {
        return throttled;
    }
}
