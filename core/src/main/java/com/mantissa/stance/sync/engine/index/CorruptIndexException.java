package com.mantissa.stance.sync.engine.index;

/** Stored bytes that are not an intact push index of the expected account. */
public final class CorruptIndexException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CorruptIndexException(String message) {
        super(message);
    }

    public CorruptIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
