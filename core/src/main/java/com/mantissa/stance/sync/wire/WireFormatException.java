package com.mantissa.stance.sync.wire;

/** Text that the Python-compatible wire format cannot read: malformed JSON, an invalid timestamp. */
public class WireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
