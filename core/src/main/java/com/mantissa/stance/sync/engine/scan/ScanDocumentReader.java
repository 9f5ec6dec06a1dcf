package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.JsonSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Streams a {@code .json} scan file, one JSON array of records or one object, element by element:
 * memory is bounded by the longest element (the same limit as a JSON Lines line), never by the
 * file. The bytes are split at the array's top-level commas (outside strings) and each element
 * is parsed on its own, so a malformed element is one error and the others still sync. Elements
 * are numbered 1, 2, ... in messages ({@code "findings.json line 2: ..."}). A broken array
 * (unterminated, data after it) ends the file with one error after the elements read so far.
 */
final class ScanDocumentReader {
    private static final int CHUNK = 64 * 1024;

    private enum State { START, ELEMENT, SEPARATOR, AFTER_ARRAY, AFTER_OBJECT, DONE }

    private final String displayName;
    private final InputStream in;
    private final int maxElementBytes;
    private final byte[] buf = new byte[CHUNK];
    private int bufPos;
    private int bufLen;
    private byte[] element = new byte[1024];
    private int number;
    private State state = State.START;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** {@code head[headPos, headLen)} holds bytes already read from {@code in} (after any byte order mark). */
    ScanDocumentReader(String displayName, byte[] head, int headPos, int headLen, InputStream in, int maxElementBytes) {
        this.displayName = displayName;
        this.in = in;
        this.maxElementBytes = maxElementBytes;
        System.arraycopy(head, headPos, buf, 0, headLen - headPos);
        this.bufLen = headLen - headPos;
    }

    /** The next element as a record or an error; null at the end. */
    ScanLine next() {
        while (true) {
            switch (state) {
                case START -> {
                    int c = skipWhitespace();
                    if (c == '[') {
                        bufPos++;
                        state = State.ELEMENT;
                        if (skipWhitespace() == ']') {
                            bufPos++;
                            state = State.AFTER_ARRAY;
                        }
                    } else if (c == '{') {
                        state = State.AFTER_OBJECT;
                        return readElement(false);
                    } else {
                        state = State.DONE;
                        return c == -1 ? null : error("expected a JSON array or object");
                    }
                }
                case ELEMENT -> {
                    state = State.SEPARATOR;
                    return readElement(true);
                }
                case SEPARATOR -> {
                    int c = skipWhitespace();
                    if (c == ',') {
                        bufPos++;
                        state = State.ELEMENT;
                    } else if (c == ']') {
                        bufPos++;
                        state = State.AFTER_ARRAY;
                    } else {
                        state = State.DONE;
                        return error(c == -1 ? "unterminated JSON array" : "unexpected '}' in the JSON array");
                    }
                }
                case AFTER_ARRAY, AFTER_OBJECT -> {
                    String what = state == State.AFTER_ARRAY ? "array" : "object";
                    state = State.DONE;
                    return skipWhitespace() == -1 ? null : error("unexpected data after the JSON " + what);
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /**
     * Reads one value: an array element up to (not including) a top-level ',', ']' or '}', or
     * a lone object up to its closing brace.
     */
    private ScanLine readElement(boolean inArray) {
        int n = ++number;
        int len = 0;
        boolean tooLong = false;
        boolean inString = false;
        boolean escaped = false;
        int depth = 0;
        while (true) {
            if (bufPos >= bufLen && !fill()) {
                break;
            }
            byte b = buf[bufPos];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (b == ',' && depth == 0) {
                break;
            }
            if (!tooLong) {
                if (len >= maxElementBytes) {
                    tooLong = true;
                } else {
                    if (len == element.length) {
                        byte[] bigger = new byte[(int) Math.min((long) element.length * 2, Integer.MAX_VALUE - 8)];
                        System.arraycopy(element, 0, bigger, 0, len);
                        element = bigger;
                    }
                    element[len++] = b;
                }
            }
            bufPos++;
            if (!inArray && depth == 0) {
                break; // a lone object ends with its closing brace
            }
        }
        if (tooLong) {
            return error(n, "element longer than " + maxElementBytes + " bytes");
        }
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(element, 0, len)).toString();
        } catch (CharacterCodingException e) {
            return error(n, "invalid UTF-8");
        }
        if (text.isBlank()) {
            return error(n, "expected a value");
        }
        try {
            Object value = JsonParser.parse(text);
            if (value instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) value;
                return new ScanLine(n, record, null);
            }
            return error(n, "expected a JSON object");
        } catch (JsonSyntaxException e) {
            return error(n, e.getMessage());
        }
    }

    /** The next non-whitespace byte (not consumed), or -1 at the end. */
    private int skipWhitespace() {
        while (true) {
            if (bufPos >= bufLen && !fill()) {
                return -1;
            }
            byte b = buf[bufPos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
            bufPos++;
        }
    }

    private boolean fill() {
        try {
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                bufPos = 0;
                bufLen = 0;
                return false;
            }
            bufPos = 0;
            bufLen = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + displayName, e);
        }
    }

    private ScanLine error(int n, String message) {
        return new ScanLine(n, null, displayName + " line " + n + ": " + message);
    }

    /** An error about the file's structure, numbered after the elements read so far. */
    private ScanLine error(String message) {
        return error(++number, message);
    }
}
