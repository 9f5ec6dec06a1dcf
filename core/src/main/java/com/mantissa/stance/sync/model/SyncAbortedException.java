package com.mantissa.stance.sync.model;

/**
 * A store-level failure that no record can get past (a missing bucket or container, denied
 * access, a central that is a regular file): the sync stops at once with this one error
 * instead of one identical error per record. The message names the location, credentials
 * redacted. Callers report it as a configuration failure: the CLI exits 2, a function logs
 * it once and does not ask to be retried.
 */
public class SyncAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SyncAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
