package com.mantissa.stance.sync.formats;

/**
 * One producer record that cannot become a Stance record: the message names the source field
 * and its value. Reported as that record's error; the rest of the file carries on.
 */
final class MappingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MappingException(String field, Object value, String reason) {
        super(field + " " + Values.quoted(value) + ": " + reason);
    }

    MappingException(String message) {
        super(message);
    }
}
