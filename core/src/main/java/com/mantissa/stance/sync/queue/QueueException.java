package com.mantissa.stance.sync.queue;

/**
 * A queue operation failed. {@link #retryable()} tells throttling, 5xx answers and broken
 * connections (worth another try) from a missing queue, denied access or a malformed request
 * (not).
 */
public class QueueException extends RuntimeException {
    private final boolean retryable;

    public QueueException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
