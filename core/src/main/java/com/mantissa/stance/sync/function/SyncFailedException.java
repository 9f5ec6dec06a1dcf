package com.mantissa.stance.sync.function;

/**
 * Thrown by a handler to ask its platform to deliver the event again (Lambda's retries and
 * on-failure destination, Eventarc's and Event Grid's redelivery, the Functions host's retry
 * policy). Only transient store failures lead here; see the package documentation.
 */
public class SyncFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SyncFailedException(String message) {
        super(message);
    }
}
