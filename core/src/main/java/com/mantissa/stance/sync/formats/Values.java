package com.mantissa.stance.sync.formats;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Printable;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Reading nested producer JSON (maps, lists, strings, numbers) with errors that name the field. */
final class Values {
    private Values() {
    }

    /** The value at a dotted path of nested objects ({@code finding_info.uid}); null when any step is missing. */
    static Object at(Map<String, Object> record, String path) {
        Object current = record;
        for (String step : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(step);
        }
        return current;
    }

    /** A string at the path, null when absent or JSON null; another type is an error naming the path. */
    static String string(Map<String, Object> record, String path) {
        Object v = at(record, path);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new MappingException(path, v, "expected a string");
    }

    /** The object at the path, null when absent; another type is an error. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> record, String path) {
        Object v = at(record, path);
        if (v == null || v instanceof Map) {
            return (Map<String, Object>) v;
        }
        throw new MappingException(path, v, "expected an object");
    }

    /** The list at the path, empty when absent; another type is an error. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> record, String path) {
        Object v = at(record, path);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List) {
            return (List<Object>) v;
        }
        throw new MappingException(path, v, "expected an array");
    }

    /** The first element of the list at the path when it is an object, else null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> firstObject(Map<String, Object> record, String path) {
        List<Object> l = list(record, path);
        if (l.isEmpty() || l.get(0) == null) {
            return null;
        }
        if (l.get(0) instanceof Map) {
            return (Map<String, Object>) l.get(0);
        }
        throw new MappingException(path + "[0]", l.get(0), "expected an object");
    }

    /** An integer at the path (a JSON integer, or a float with no fraction), null when absent. */
    static Long integer(Map<String, Object> record, String path) {
        Object v = at(record, path);
        if (v == null) {
            return null;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        if (v instanceof BigInteger) {
            throw new MappingException(path, v, "integer out of range");
        }
        throw new MappingException(path, v, "expected an integer");
    }

    /** A number at the path (integer or float) as it was given, null when absent. */
    static Object number(Map<String, Object> record, String path) {
        Object v = at(record, path);
        if (v == null || v instanceof Long || v instanceof Double || v instanceof BigInteger) {
            return v;
        }
        throw new MappingException(path, v, "expected a number");
    }

    /** A value for a message: text in single quotes (made printable, shortened), else its JSON. */
    static String quoted(Object value) {
        if (value instanceof String s) {
            return "'" + Printable.of(s.length() > 80 ? s.substring(0, 77) + "..." : s) + "'";
        }
        String json;
        try {
            json = CanonicalJson.write(value);
        } catch (IllegalArgumentException e) {
            json = String.valueOf(value);
        }
        return json.length() > 80 ? json.substring(0, 77) + "..." : json;
    }
}
