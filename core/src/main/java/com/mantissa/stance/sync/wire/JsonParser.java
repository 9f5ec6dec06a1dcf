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

    private final String text;
    private int pos;

    private JsonParser(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        if (text == null) {
            throw new JsonSyntaxException("no input", 1);
        }
        JsonParser p = new JsonParser(text);
        p.skipWhitespace();
        Object value = p.readValue(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
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
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private Object readValue(int depth) {
        if (pos >= text.length()) {
            throw error("expected a value");
        }
        char c = text.charAt(pos);
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
                if (text.startsWith("-Infinity", pos)) {
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
        if (!text.startsWith(word, pos)) {
            throw error("expected a value");
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            return map;
        }
        while (true) {
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("expected a property name in double quotes");
            }
            String key = readString();
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != ':') {
                throw error("expected ':'");
            }
            pos++;
            skipWhitespace();
            map.put(key, readValue(depth));
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("expected ',' or '}'");
            }
            char c = text.charAt(pos);
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
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(readValue(depth));
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("expected ',' or ']'");
            }
            char c = text.charAt(pos);
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
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
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
        sb.append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                pos = start - 1;
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
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
            if (pos + 1 >= text.length()) {
                pos = start - 1;
                throw error("unterminated string");
            }
            char e = text.charAt(pos + 1);
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
                    if (Character.isHighSurrogate(unit) && text.startsWith("\\u", pos)) {
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
        if (at + 4 > text.length()) {
            pos = at;
            throw error("invalid \\uXXXX escape");
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0 || text.charAt(i) > 'f') {
                pos = at;
                throw error("invalid \\uXXXX escape");
            }
            v = (v << 4) | d;
        }
        return (char) v;
    }

    private Object readNumber() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            pos = start;
            throw error("expected a value");
        }
        if (text.charAt(pos) == '0') {
            pos++;
        } else {
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        boolean isFloat = false;
        // Like Python's number regex, a '.' or 'e' not followed by digits ends the number
        // there, and the leftover character then fails as extra data.
        if (pos + 1 < text.length() && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1))) {
            isFloat = true;
            pos += 2;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int e = pos + 1;
            if (e < text.length() && (text.charAt(e) == '+' || text.charAt(e) == '-')) {
                e++;
            }
            if (e < text.length() && isDigit(text.charAt(e))) {
                isFloat = true;
                pos = e;
                while (pos < text.length() && isDigit(text.charAt(pos))) {
                    pos++;
                }
            }
        }
        String number = text.substring(start, pos);
        if (isFloat) {
            return Double.parseDouble(number);
        }
        int digits = number.length() - (number.charAt(0) == '-' ? 1 : 0);
        if (digits <= 18) {
            return Long.parseLong(number);
        }
        if (digits > MAX_INT_DIGITS) {
            pos = start;
            throw error("integer with more than " + MAX_INT_DIGITS + " digits");
        }
        BigInteger big = new BigInteger(number);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
