package com.mantissa.stance.sync.model;

import java.util.Locale;

/** Direction of synchronisation; JSON value is the lower-case name, as in the original. */
public enum SyncDirection {
    PUSH, PULL, BIDIRECTIONAL;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code push}/{@code PUSH}; the message names {@code field} on bad input. */
    public static SyncDirection parse(String text, String field) {
        return EnumText.parse(SyncDirection.class, text, field);
    }
}
