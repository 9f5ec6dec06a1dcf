package com.mantissa.stance.sync.wire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes exactly what Python's {@code json.dumps(value, sort_keys=True)} prints, the form the
 * original engine hashes into {@code _checksum}: separators {@code ", "} and {@code ": "},
 * keys in code point order, ASCII only ({@code \\uXXXX} lower-case, surrogate pairs, also for
 * DEL), integers of any size, floats as Python's {@code repr}.
 */
public final class CanonicalJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * Python sorts str keys by code point; {@link String#compareTo} compares UTF-16 units and
     * so puts U+10000.. (surrogates D800..DFFF) before U+E000..U+FFFF.
     */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private CanonicalJson() {
    }

    public static String write(Object value) {
        StringBuilder sb = builder();
        append(sb, value, 0, true);
        return sb.toString();
    }

    /**
     * Each thread's buffer, emptied: records are ~1.5 KB, and a new builder per record grew and
     * copied its array several times (the profile's largest single cost of a push).
     */
    private static StringBuilder builder() {
        StringBuilder sb = BUFFER.get();
        if (sb.capacity() > MAX_KEPT_CHARS) {
            sb = new StringBuilder(4096);
            BUFFER.set(sb);
        }
        sb.setLength(0);
        return sb;
    }

    /** A buffer grown beyond this (a huge record) is not kept for the thread's next record. */
    private static final int MAX_KEPT_CHARS = 1 << 20;
    private static final ThreadLocal<StringBuilder> BUFFER = ThreadLocal.withInitial(() -> new StringBuilder(4096));

    /**
     * Python's plain {@code json.dumps(value)}: like {@link #write} but keys in the maps' own
     * iteration order, which is how the original writes record bodies to storage, and what the
     * CLI prints so that {@code SyncResult} keys follow the original's {@code to_dict}.
     */
    public static String writeUnsorted(Object value) {
        StringBuilder sb = new StringBuilder(256);
        append(sb, value, 0, false);
        return sb.toString();
    }

    /** UTF-8 bytes of {@link #write}; the text is pure ASCII. */
    public static byte[] bytes(Object value) {
        return write(value).getBytes(StandardCharsets.US_ASCII);
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (ca == cb && !Character.isSurrogate(ca)) {
                i++;
                j++;
                continue;
            }
            int cpa = a.codePointAt(i);
            int cpb = b.codePointAt(j);
            if (cpa != cpb) {
                return Integer.compare(cpa, cpb);
            }
            i += Character.charCount(cpa);
            j += Character.charCount(cpb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void append(StringBuilder sb, Object value, int depth, boolean sortKeys) {
        if (depth > JsonParser.MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + JsonParser.MAX_DEPTH + " levels");
        }
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String) {
            appendString(sb, (String) value);
        } else if (value instanceof Boolean) {
            sb.append(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            sb.append(value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            sb.append(PythonFloat.repr(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal) {
            sb.append(PythonFloat.repr(((BigDecimal) value).doubleValue()));
        } else if (value instanceof Map) {
            appendMap(sb, (Map<?, ?>) value, depth, sortKeys);
        } else if (value instanceof Collection) {
            appendList(sb, (Collection<?>) value, depth, sortKeys);
        } else if (value instanceof Object[]) {
            appendList(sb, Arrays.asList((Object[]) value), depth, sortKeys);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void appendMap(StringBuilder sb, Map<?, ?> map, int depth, boolean sortKeys) {
        List<String> keys = new ArrayList<>(map.size());
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                throw new IllegalArgumentException("JSON object key is not a string: " + k);
            }
            keys.add((String) k);
        }
        if (sortKeys) {
            keys.sort(CODE_POINT_ORDER);
        }
        sb.append('{');
        boolean first = true;
        for (String k : keys) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            appendString(sb, k);
            sb.append(": ");
            append(sb, map.get(k), depth + 1, sortKeys);
        }
        sb.append('}');
    }

    private static void appendList(StringBuilder sb, Collection<?> list, int depth, boolean sortKeys) {
        sb.append('[');
        boolean first = true;
        for (Object v : list) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            append(sb, v, depth + 1, sortKeys);
        }
        sb.append(']');
    }

    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    // Java strings are UTF-16 already, so a character above U+FFFF comes out as
                    // its surrogate pair, as Python's ensure_ascii prints it.
                    sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                            .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        sb.append('"');
    }
}
