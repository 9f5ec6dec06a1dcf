package com.mantissa.stance.sync.formats;

import java.util.Locale;
import java.util.Map;

/** The producers whose files a push reads: Stance's own scans, OCSF findings (Prowler) and ASFF (Security Hub). */
public enum Format {
    STANCE, OCSF, ASFF;

    /** {@code stance}, {@code ocsf}, {@code asff}: the text of the format option. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ocsf}/{@code OCSF}; the message names {@code field} and the accepted values on bad input. */
    public static Format parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank; expected one of stance, ocsf, asff");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + ": unknown value '" + text + "'; expected one of stance, ocsf, asff", e);
        }
    }

    /**
     * The format a file's name says: Prowler's {@code *.ocsf.json} and {@code *.asff.json} (in any
     * case); null for every other name, whose first record decides.
     */
    public static Format ofName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".ocsf.json")) {
            return OCSF;
        }
        if (lower.endsWith(".asff.json")) {
            return ASFF;
        }
        return null;
    }

    /**
     * The format one record is written in. OCSF events carry {@code class_uid} (and every finding
     * class {@code finding_info}); ASFF findings carry {@code SchemaVersion}, {@code ProductArn}
     * or {@code AwsAccountId} with {@code GeneratorId}, and Security Hub's wrappers
     * ({@code {"Findings": [...]}}, an EventBridge event) are unwrapped before a record is seen.
     * Anything else is taken for a Stance record, whose own checks then apply.
     */
    public static Format of(Map<String, Object> record) {
        if (record.containsKey("class_uid") || record.get("finding_info") instanceof Map) {
            return OCSF;
        }
        if (record.containsKey("SchemaVersion") || record.containsKey("ProductArn")
                || (record.containsKey("AwsAccountId") && record.containsKey("GeneratorId"))) {
            return ASFF;
        }
        return STANCE;
    }
}
