package com.mantissa.stance.sync.wire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;

/**
 * Writes exactly what Python's {@code json.dumps(value, sort_keys=True)} prints, the form the
 * original engine hashes into {@code _checksum}: separators {@code ", "} and {@code ": "},
 * keys in code point order, ASCII only ({@code \\uXXXX} lower-case, surrogate pairs, also for
 * DEL), integers of any size, floats as Python's {@code repr}.
 */
public final class CanonicalJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * Python sorts str keys by code point; {@link String#compareTo} compares UTF-16 units and
     * so puts U+10000.. (surrogates D800..DFFF) before U+E000..U+FFFF.
     */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private CanonicalJson() {
    }

    public static String write(Object value) {
        CanonicalBuffer out = CanonicalBuffer.get();
        append(out, value, 0, true);
        return out.string();
    }

    /**
     * Python's plain {@code json.dumps(value)}: like {@link #write} but keys in the maps' own
     * iteration order, which is how the original writes record bodies to storage, and what the
     * CLI prints so that {@code SyncResult} keys follow the original's {@code to_dict}.
     */
    public static String writeUnsorted(Object value) {
        CanonicalBuffer out = CanonicalBuffer.get();
        append(out, value, 0, false);
        return out.string();
    }

    /** UTF-8 bytes of {@link #write}; the text is pure ASCII. */
    public static byte[] bytes(Object value) {
        CanonicalBuffer out = CanonicalBuffer.get();
        append(out, value, 0, true);
        return Arrays.copyOf(out.bytes, out.size);
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

    private static void append(CanonicalBuffer out, Object value, int depth, boolean sortKeys) {
        if (depth > JsonParser.MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + JsonParser.MAX_DEPTH + " levels");
        }
        if (value == null) {
            out.ascii("null");
        } else if (value instanceof String) {
            appendString(out, (String) value);
        } else if (value instanceof Boolean) {
            out.ascii(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.ascii(value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            out.ascii(PythonFloat.repr(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal) {
            out.ascii(PythonFloat.repr(((BigDecimal) value).doubleValue()));
        } else if (value instanceof Map) {
            appendMap(out, (Map<?, ?>) value, depth, sortKeys);
        } else if (value instanceof Collection) {
            appendList(out, (Collection<?>) value, depth, sortKeys);
        } else if (value instanceof Object[]) {
            appendList(out, Arrays.asList((Object[]) value), depth, sortKeys);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void appendMap(CanonicalBuffer out, Map<?, ?> map, int depth, boolean sortKeys) {
        int n = map.size();
        String[] keys = new String[n];
        Object[] values = new Object[n];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IllegalArgumentException("JSON object key is not a string: " + e.getKey());
            }
            keys[i] = k;
            values[i] = e.getValue();
            i++;
        }
        int[] order = sortKeys ? out.keyOrder(keys) : null;
        out.put('{');
        for (int j = 0; j < n; j++) {
            int at = order == null ? j : order[j];
            if (j > 0) {
                out.put(',');
                out.put(' ');
            }
            appendString(out, keys[at]);
            out.put(':');
            out.put(' ');
            append(out, values[at], depth + 1, sortKeys);
        }
        out.put('}');
    }

    private static void appendList(CanonicalBuffer out, Collection<?> list, int depth, boolean sortKeys) {
        out.put('[');
        boolean first = true;
        for (Object v : list) {
            if (!first) {
                out.put(',');
                out.put(' ');
            }
            first = false;
            append(out, v, depth + 1, sortKeys);
        }
        out.put(']');
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII, see below
    static void appendString(CanonicalBuffer out, String s) {
        int len = s.length();
        int plain = 0;
        while (plain < len) {
            if (!printable(s.charAt(plain))) {
                break;
            }
            plain++;
        }
        out.reserve(len + 2);
        byte[] b = out.bytes;
        int n = out.size;
        b[n++] = '"';
        // Up to the first character to escape, the text is printable ASCII, so the low byte of
        // each character, which this copies (one array copy for a Latin-1 string), is its UTF-8.
        // Searching first and copying in bulk made a 1.5 KB finding's canonical JSON about 7 %
        // faster than writing each character as it was checked.
        s.getBytes(0, plain, b, n);
        n += plain;
        if (plain == len) {
            b[n++] = '"';
            out.size = n;
            return;
        }
        char[] chars = out.chars(len);
        s.getChars(0, len, chars, 0);
        for (int i = plain; i < len; i++) {
            char c = chars[i];
            if (printable(c)) {
                b[n++] = (byte) c;
                continue;
            }
            // An escape takes up to 6 bytes where 1 was reserved.
            out.size = n;
            out.reserve(6 + (len - i) + 1);
            b = out.bytes;
            switch (c) {
                case '"': n = put2(b, n, '"'); break;
                case '\\': n = put2(b, n, '\\'); break;
                case '\n': n = put2(b, n, 'n'); break;
                case '\r': n = put2(b, n, 'r'); break;
                case '\t': n = put2(b, n, 't'); break;
                case '\b': n = put2(b, n, 'b'); break;
                case '\f': n = put2(b, n, 'f'); break;
                default:
                    // Java strings are UTF-16 already, so a character above U+FFFF comes out as
                    // its surrogate pair, as Python's ensure_ascii prints it.
                    b[n++] = '\\';
                    b[n++] = 'u';
                    b[n++] = HEX[(c >> 12) & 0xf];
                    b[n++] = HEX[(c >> 8) & 0xf];
                    b[n++] = HEX[(c >> 4) & 0xf];
                    b[n++] = HEX[c & 0xf];
            }
        }
        b[n++] = '"';
        out.size = n;
    }

    /** Written as itself in a JSON string: printable ASCII other than '"' and '\\'. */
    private static boolean printable(char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    private static int put2(byte[] b, int n, char escaped) {
        b[n] = '\\';
        b[n + 1] = (byte) escaped;
        return n + 2;
    }
}
