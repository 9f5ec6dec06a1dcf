package com.mantissa.stance.sync.wire;

/** A timestamp that CPython's {@code datetime.fromisoformat} would refuse. */
public class InvalidTimestampException extends WireFormatException {
    private static final long serialVersionUID = 1L;

    public InvalidTimestampException(String message) {
        super(message);
    }
}
