package com.mantissa.stance.sync.model;

import java.util.Locale;

/** Strategy for a record that central already holds with different content. */
public enum ConflictResolution {
    LOCAL_WINS, CENTRAL_WINS, LATEST_WINS, MERGE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConflictResolution parse(String text, String field) {
        return EnumText.parse(ConflictResolution.class, text, field);
    }
}
