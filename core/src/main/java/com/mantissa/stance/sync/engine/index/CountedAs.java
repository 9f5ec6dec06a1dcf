package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordKind;
import java.util.Locale;
import java.util.Map;

/**
 * How one scan line counts in its account's status ({@link SnapshotCounts}): as an asset, as an
 * open, resolved or other finding, or not at all (no id central could hold). The push classifies
 * every line it parses, and keeps the class of the line an index entry's raw hash came from, so
 * that a line recognised from its bytes alone still counts without being parsed. The ordinal is
 * stored in the push index: append new constants, never reorder.
 */
public enum CountedAs {
    /** Not known: an index entry stored before lines were classified. Such a line must be parsed. */
    UNKNOWN,
    /** A line that is no record with an id central could hold: not counted. */
    NOTHING,
    ASSET,
    OPEN_FINDING,
    RESOLVED_FINDING,
    /** A finding whose status is neither open nor resolved: counted as a finding only. */
    OTHER_FINDING;

    private static final CountedAs[] BY_ORDINAL = values();

    /**
     * The class of a parsed line: nothing unless its {@code id} is a string that gives a central
     * path, else by kind and status (a missing status is open, as a finding's default).
     */
    public static CountedAs of(RecordKind kind, Map<String, Object> raw, String centralPrefix, String account) {
        if (raw == null || !(raw.get("id") instanceof String id)) {
            return NOTHING;
        }
        try {
            kind.path(centralPrefix, account, id);
        } catch (InvalidRecordException | IllegalArgumentException unsafe) {
            return NOTHING;
        }
        return ofRecord(kind, raw);
    }

    /** The class of a line whose id is known to give a central path. */
    public static CountedAs ofRecord(RecordKind kind, Map<String, Object> raw) {
        if (!(raw.get("id") instanceof String)) {
            return NOTHING;
        }
        if (kind == RecordKind.ASSET) {
            return ASSET;
        }
        String status = raw.get("status") instanceof String s ? s.toLowerCase(Locale.ROOT) : "open";
        return switch (status) {
            case "open" -> OPEN_FINDING;
            case "resolved" -> RESOLVED_FINDING;
            default -> OTHER_FINDING;
        };
    }

    /** The stored form; {@link #UNKNOWN} for a byte no version of the index wrote. */
    static CountedAs ofCode(int code) {
        return code > 0 && code < BY_ORDINAL.length ? BY_ORDINAL[code] : UNKNOWN;
    }

    int code() {
        return ordinal();
    }
}
