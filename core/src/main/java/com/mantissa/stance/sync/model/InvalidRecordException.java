package com.mantissa.stance.sync.model;

/**
 * A single finding or asset that cannot be synced (bad enum value or datetime, missing or unsafe
 * id, ...). The engine reports it as a per-record error and carries on with the other records.
 * Deliberately not an {@link IllegalArgumentException}: a bad record is data, and must not be
 * caught as a usage error (or an internal bug caught as a bad record).
 */
public class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
