package com.mantissa.stance.sync.model;

import java.util.Locale;

/** The cloud a scan comes from; stored in each record's {@code _source_provider} as the lower-case name. */
public enum Provider {
    AWS, GCP, AZURE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code aws}/{@code AWS}; the message names {@code field} and the accepted values on bad input. */
    public static Provider parse(String text, String field) {
        return EnumText.parse(Provider.class, text, field);
    }
}
