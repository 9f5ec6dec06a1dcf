package com.mantissa.stance.sync.model;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.InvalidTimestampException;
import com.mantissa.stance.sync.wire.Printable;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared input handling of {@link Finding} and {@link Asset}, mirroring the original's from_dict. */
final class RecordFields {
    private RecordFields() {
    }

    /** The id the original reads with {@code data["id"]}; it must also be a usable string. */
    static String requireId(Map<String, Object> raw, String kind) {
        if (raw == null) {
            throw new InvalidRecordException(kind + " record is null");
        }
        Object id = raw.get("id");
        if (id == null) {
            throw new InvalidRecordException(kind + " has no id");
        }
        if (!(id instanceof String)) {
            throw new InvalidRecordException(kind + " id must be a string, got " + describe(id));
        }
        if (((String) id).isEmpty()) {
            throw new InvalidRecordException(kind + " id must not be empty");
        }
        return (String) id;
    }

    /**
     * {@code data.get(key, default)}: the default only when the key is absent; an explicit
     * {@code null} or a value of another type passes through unchanged, as in the original.
     */
    static Object getOrDefault(Map<String, Object> raw, String key, Object dflt) {
        // One lookup: Map.getOrDefault gives a key mapped to null its null, not the default.
        return raw.getOrDefault(key, dflt);
    }

    /** {@code data.get(key, [])}, making the empty list only when the key is absent. */
    static Object getOrEmptyList(Map<String, Object> raw, String key) {
        Object v = raw.getOrDefault(key, ABSENT);
        return v == ABSENT ? new ArrayList<Object>() : v;
    }

    /** {@code data.get(key, {})}, making the empty map only when the key is absent. */
    static Object getOrEmptyMap(Map<String, Object> raw, String key) {
        Object v = raw.getOrDefault(key, ABSENT);
        return v == ABSENT ? new LinkedHashMap<String, Object>() : v;
    }

    /** Stands for a missing key: a key mapped to null is present. */
    private static final Object ABSENT = new Object();

    static String describe(Object value) {
        String json;
        try {
            json = CanonicalJson.write(value);
        } catch (IllegalArgumentException e) {
            json = String.valueOf(value);
        }
        return json.length() > 80 ? json.substring(0, 77) + "..." : json;
    }

    /** Enum text as the original accepts it: a string, optionally lower-cased, one of values. */
    static String enumValue(Map<String, Object> raw, String key, String dflt, boolean caseInsensitive,
                            List<String> values) {
        Object v = getOrDefault(raw, key, dflt);
        if (!(v instanceof String)) {
            throw new InvalidRecordException("invalid " + key + " " + describe(v) + ": expected one of " + values);
        }
        String s = caseInsensitive ? ((String) v).toLowerCase(java.util.Locale.ROOT) : (String) v;
        if (!values.contains(s)) {
            throw new InvalidRecordException("invalid " + key + " '" + v + "': expected one of " + values);
        }
        return s;
    }

    /**
     * A datetime field as the original's from_dict reads it with {@code datetime.fromisoformat}:
     * null and {@code ""} give null; anything Python refuses (impossible dates, hour 24, an offset
     * of a day or more, free text, a number, a boolean, ...) rejects the record. It never becomes
     * null: under latest_wins a record without a time would replace a newer central one.
     */
    static String timestamp(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        try {
            return PythonTimestamps.normalize(v);
        } catch (InvalidTimestampException e) {
            String reason = v instanceof String
                    ? "not a datetime Python's datetime.fromisoformat accepts"
                    : "expected an ISO 8601 datetime string";
            throw new InvalidRecordException("invalid " + key + " " + quoted(v) + ": " + reason, e);
        }
    }

    /** A value for a message: text in single quotes (made printable, shortened), else its JSON. */
    static String quoted(Object value) {
        if (value instanceof String s) {
            String shown = Printable.of(s.length() > 80 ? s.substring(0, 77) + "..." : s);
            return "'" + shown + "'";
        }
        return describe(value);
    }
}
