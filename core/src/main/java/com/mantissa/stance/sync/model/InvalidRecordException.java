package com.mantissa.stance.sync.model;

/**
 * A single finding or asset that cannot be synced (bad enum value, missing or unsafe id, ...).
 * The engine reports it as a per-record error and carries on with the other records.
 */
public class InvalidRecordException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
