package com.mantissa.stance.sync.function;

/** A platform event that cannot be decoded: not JSON, or a field the function needs is missing. */
public class MalformedEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
