package com.mantissa.stance.sync.storage;

/**
 * Throttling, server errors, timeouts and dropped connections (429, 500, 503, SlowDown):
 * the call may succeed if repeated later.
 */
public class TransientStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    public TransientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
