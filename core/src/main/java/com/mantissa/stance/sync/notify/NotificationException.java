package com.mantissa.stance.sync.notify;

/**
 * Publishing a notification failed. {@link #retryable()} tells throttling, 5xx answers and
 * broken connections (worth another try) from a missing topic or queue, denied access or a
 * message the service refused (not).
 */
public class NotificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;
    private final boolean throttled;

    public NotificationException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    /** @param throttled the service refused the request because of the request rate (retryable then) */
    public NotificationException(String message, boolean retryable, boolean throttled, Throwable cause) {
        super(message, cause);
        this.retryable = retryable || throttled;
        this.throttled = throttled;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The service asked the client to slow down: retried longer, as a throttled store call is. */
    public boolean throttled() {
        return throttled;
    }
}
