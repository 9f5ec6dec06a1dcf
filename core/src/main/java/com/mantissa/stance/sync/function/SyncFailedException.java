package com.mantissa.stance.sync.function;

/** Thrown by a handler so that its platform sees the failure (retry, DLQ, on-failure destination). */
public class SyncFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public SyncFailedException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    /** Whether a transient store failure caused it, so that repeating the invocation may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
