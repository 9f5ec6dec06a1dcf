package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.model.Finding;
import java.util.Locale;
import java.util.Map;

/**
 * The status and severity of central's copy of a finding, in one byte a push index entry keeps,
 * so that a push replacing the finding from the index (without reading it) still knows what the
 * change feed needs of the record it replaces. Low three bits: the status's place in
 * {@link Finding#STATUSES} plus one; the next three: the severity's place in
 * {@link Finding#SEVERITIES} plus one. {@link #UNKNOWN} (zero) for an asset, an older index entry
 * or a value outside those lists: such a finding is read before it is replaced.
 */
public final class FindingState {
    public static final int UNKNOWN = 0;

    private FindingState() {
    }

    /** The state of a finding record as central holds it (normalised, lower case). */
    public static int of(Map<String, Object> record) {
        int status = place(record.get("status"), Finding.STATUSES);
        int severity = place(record.get("severity"), Finding.SEVERITIES);
        return status == 0 || severity == 0 ? UNKNOWN : status | severity << 3;
    }

    /** {@code code} when it names a status and a severity, else {@link #UNKNOWN}. */
    public static int valid(int code) {
        int status = code & 7;
        int severity = code >>> 3;
        return status >= 1 && status <= Finding.STATUSES.size() && severity >= 1
                && severity <= Finding.SEVERITIES.size() ? code : UNKNOWN;
    }

    public static String status(int code) {
        return valid(code) == UNKNOWN ? null : Finding.STATUSES.get((code & 7) - 1);
    }

    public static String severity(int code) {
        return valid(code) == UNKNOWN ? null : Finding.SEVERITIES.get((code >>> 3) - 1);
    }

    private static int place(Object value, java.util.List<String> values) {
        if (!(value instanceof String s)) {
            return 0;
        }
        return values.indexOf(s.toLowerCase(Locale.ROOT)) + 1;
    }
}
