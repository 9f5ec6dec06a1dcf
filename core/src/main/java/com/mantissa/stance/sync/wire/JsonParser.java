package com.mantissa.stance.sync.wire;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON parser that accepts exactly what Python's {@code json.loads} (C scanner, strict
 * mode) accepts and yields the same values, so that records read here re-serialise to the very
 * bytes the original engine checksums: objects keep insertion order (a duplicate key keeps its
 * first position and takes the last value, like a Python dict), integers stay integers of any
 * size, and {@code NaN}/{@code Infinity} are accepted.
 *
 * <p>Values: object {@code LinkedHashMap<String,Object>}, array {@code ArrayList<Object>},
 * string {@code String}, integer {@code Long} or {@code BigInteger}, other numbers {@code Double},
 * {@code Boolean}, {@code null}.
 */
public final class JsonParser {
    /** Nesting deeper than this is rejected instead of risking a StackOverflowError. */
    public static final int MAX_DEPTH = 512;

    /** Python 3.11 refuses to convert integer literals longer than this (sys.int_info). */
    static final int MAX_INT_DIGITS = 4300;

    /**
     * The text, read from an array rather than through {@link String#charAt}: a scan line is
     * parsed character by character, and every {@code charAt} checks its bounds and the string's
     * coder again.
     */
    private final char[] text;
    private final int end;
    private int pos;

    private JsonParser(char[] text, int length) {
        this.text = text;
        this.end = length;
    }

    public static Object parse(String text) {
        if (text == null) {
            throw new JsonSyntaxException("no input", 1);
        }
        return parse(text.toCharArray(), text.length());
    }

    /** Parses {@code text[0, length)}; columns in errors count from its first character. */
    public static Object parse(char[] text, int length) {
        if (length < 0 || length > text.length) {
            throw new IllegalArgumentException("length " + length + " outside the text");
        }
        JsonParser p = new JsonParser(text, length);
        p.skipWhitespace();
        Object value = p.readValue(0);
        p.skipWhitespace();
        if (p.pos < length) {
            throw p.error("extra data after the value");
        }
        return value;
    }

    /** Parses text whose top level must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new JsonSyntaxException("expected a JSON object", 1);
        }
        return (Map<String, Object>) value;
    }

    private JsonSyntaxException error(String message) {
        return new JsonSyntaxException(message, pos + 1);
    }

    private void skipWhitespace() {
        while (pos < end) {
            char c = text[pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private Object readValue(int depth) {
        if (pos >= end) {
            throw error("expected a value");
        }
        char c = text[pos];
        switch (c) {
            case '{':
                return readObject(depth + 1);
            case '[':
                return readArray(depth + 1);
            case '"':
                return readString();
            case 'n':
                return literal("null", null);
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'N':
                return literal("NaN", Double.NaN);
            case 'I':
                return literal("Infinity", Double.POSITIVE_INFINITY);
            case '-':
                if (startsWith("-Infinity", pos)) {
                    pos += 9;
                    return Double.NEGATIVE_INFINITY;
                }
                return readNumber();
            default:
                if (c >= '0' && c <= '9') {
                    return readNumber();
                }
                throw error("expected a value");
        }
    }

    private Object literal(String word, Object value) {
        if (!startsWith(word, pos)) {
            throw error("expected a value");
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        pos++;
        // A top-level object is a record of some 20 keys: sized to take them without a rehash.
        Map<String, Object> map = new LinkedHashMap<>(depth == 1 ? 32 : 16);
        skipWhitespace();
        if (pos < end && text[pos] == '}') {
            pos++;
            return map;
        }
        while (true) {
            if (pos >= end || text[pos] != '"') {
                throw error("expected a property name in double quotes");
            }
            String key = readString();
            skipWhitespace();
            if (pos >= end || text[pos] != ':') {
                throw error("expected ':'");
            }
            pos++;
            skipWhitespace();
            map.put(key, readValue(depth));
            skipWhitespace();
            if (pos >= end) {
                throw error("expected ',' or '}'");
            }
            char c = text[pos];
            if (c == '}') {
                pos++;
                return map;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
            pos++;
            skipWhitespace();
        }
    }

    private List<Object> readArray(int depth) {
        checkDepth(depth);
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (pos < end && text[pos] == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(readValue(depth));
            skipWhitespace();
            if (pos >= end) {
                throw error("expected ',' or ']'");
            }
            char c = text[pos];
            if (c == ']') {
                pos++;
                return list;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
            pos++;
            skipWhitespace();
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String readString() {
        int start = ++pos;
        // Fast path: no escapes.
        while (pos < end) {
            char c = text[pos];
            if (c == '"') {
                return new String(text, start, pos++ - start);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("invalid control character in string");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - start + 16);
        sb.append(text, start, pos - start);
        while (true) {
            if (pos >= end) {
                pos = start - 1;
                throw error("unterminated string");
            }
            char c = text[pos];
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("invalid control character in string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= end) {
                pos = start - 1;
                throw error("unterminated string");
            }
            char e = text[pos + 1];
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char unit = hex4(pos + 2);
                    pos += 6;
                    // Python joins an escaped high surrogate with an escaped low one that follows
                    // directly; any other surrogate stays a lone code unit.
                    if (Character.isHighSurrogate(unit) && startsWith("\\u", pos)) {
                        char low = hex4(pos + 2);
                        if (Character.isLowSurrogate(low)) {
                            sb.append(unit).append(low);
                            pos += 6;
                            continue;
                        }
                    }
                    sb.append(unit);
                    continue;
                }
                default:
                    pos++;
                    throw error("invalid escape '\\" + e + "'");
            }
            pos += 2;
        }
    }

    private char hex4(int at) {
        if (at + 4 > end) {
            pos = at;
            throw error("invalid \\uXXXX escape");
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(text[i], 16);
            if (d < 0 || text[i] > 'f') {
                pos = at;
                throw error("invalid \\uXXXX escape");
            }
            v = (v << 4) | d;
        }
        return (char) v;
    }

    private Object readNumber() {
        int start = pos;
        if (text[pos] == '-') {
            pos++;
        }
        if (pos >= end || !isDigit(text[pos])) {
            pos = start;
            throw error("expected a value");
        }
        if (text[pos] == '0') {
            pos++;
        } else {
            while (pos < end && isDigit(text[pos])) {
                pos++;
            }
        }
        boolean isFloat = false;
        // Like Python's number regex, a '.' or 'e' not followed by digits ends the number
        // there, and the leftover character then fails as extra data.
        if (pos + 1 < end && text[pos] == '.' && isDigit(text[pos + 1])) {
            isFloat = true;
            pos += 2;
            while (pos < end && isDigit(text[pos])) {
                pos++;
            }
        }
        if (pos < end && (text[pos] == 'e' || text[pos] == 'E')) {
            int e = pos + 1;
            if (e < end && (text[e] == '+' || text[e] == '-')) {
                e++;
            }
            if (e < end && isDigit(text[e])) {
                isFloat = true;
                pos = e;
                while (pos < end && isDigit(text[pos])) {
                    pos++;
                }
            }
        }
        boolean negative = text[start] == '-';
        int digits = pos - start - (negative ? 1 : 0);
        if (!isFloat && digits <= 18) {
            long value = 0;
            for (int i = negative ? start + 1 : start; i < pos; i++) {
                value = value * 10 + (text[i] - '0');
            }
            return negative ? -value : value;
        }
        String number = new String(text, start, pos - start);
        if (isFloat) {
            return Double.parseDouble(number);
        }
        if (digits > MAX_INT_DIGITS) {
            pos = start;
            throw error("integer with more than " + MAX_INT_DIGITS + " digits");
        }
        BigInteger big = new BigInteger(number);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private boolean startsWith(String word, int at) {
        if (at + word.length() > end) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (text[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
