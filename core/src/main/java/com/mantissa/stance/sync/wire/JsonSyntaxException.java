package com.mantissa.stance.sync.wire;

/** Malformed JSON text; the message names the 1-based column where parsing stopped. */
public class JsonSyntaxException extends WireFormatException {
    private static final long serialVersionUID = 1L;

    private final int column;

    public JsonSyntaxException(String message, int column) {
        super("invalid JSON at column " + column + ": " + message);
        this.column = column;
    }

    /** 1-based character (UTF-16 unit) position at which the error was detected. */
    public int column() {
        return column;
    }
}
