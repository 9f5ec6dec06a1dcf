package com.mantissa.stance.sync.storage;

/**
 * A conditional write lost a race (HTTP 412, S3's 409 ConditionalRequestConflict, Azure's
 * ConditionNotMet): somebody else created or changed the object. Re-read and re-resolve.
 */
public class PreconditionFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
