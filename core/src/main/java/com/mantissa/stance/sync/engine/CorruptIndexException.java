package com.mantissa.stance.sync.engine;

/** Stored bytes that are not an intact push index of the expected account. */
final class CorruptIndexException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CorruptIndexException(String message) {
        super(message);
    }

    CorruptIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
