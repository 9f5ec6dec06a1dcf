package com.mantissa.stance.sync.formats;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams the records of a producer file one element at a time, in memory bounded by the
 * largest element, never by the file. Accepted shapes:
 * <ul>
 *   <li>a JSON array of objects (Prowler's {@code *.ocsf.json} and {@code *.asff.json});</li>
 *   <li>one object per line (JSON Lines);</li>
 *   <li>Security Hub's {@code {"Findings": [...]}} (get-findings) and an EventBridge event whose
 *       {@code detail.findings} holds the findings: the array inside is streamed the same way;</li>
 *   <li>several such values one after another.</li>
 * </ul>
 * The first non-blank line decides between JSON Lines (it holds one complete object) and a
 * document read by Jackson's streaming parser. A JSON Lines line that does not parse is one
 * error and the next line is read. In a document, an element that is not an object is one error
 * and the next is read; a syntax error ends the file with one error naming the element and the
 * line and column, since JSON offers no safe point to resume from.
 */
final class JsonElements implements Closeable {
    /** Longest JSON Lines line read; a longer first line makes the file a document instead. */
    static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

    private static final int CHUNK = 64 * 1024;

    /** One element: its number (from 1), the line it starts on, and the object or why there is none. */
    record Element(int index, int line, Map<String, Object> object, String error) {
    }

    private final String displayName;
    private final BufferedInputStream in;
    private final int maxLineBytes;
    private final ArrayDeque<Element> pending = new ArrayDeque<>();
    private int index;
    private boolean done;

    /** Set for JSON Lines. */
    private ByteLines lines;

    // a document
    private JsonParser parser;
    /** -1 outside an array; else how many objects enclose the array being streamed (0: a root array). */
    private int arrayNesting = -1;
    /** Whether the element numbered {@link #index} is being read: a syntax error is then its error. */
    private boolean inElement;

    private JsonElements(String displayName, InputStream in, int maxLineBytes) {
        this.displayName = displayName;
        this.in = new BufferedInputStream(in, CHUNK);
        this.maxLineBytes = maxLineBytes;
    }

    static JsonElements open(String displayName, InputStream in, int maxLineBytes) {
        JsonElements e = new JsonElements(displayName, in, maxLineBytes);
        try {
            e.start();
        } catch (IOException ex) {
            throw new UncheckedIOException("reading " + displayName, ex);
        }
        return e;
    }

    private void start() throws IOException {
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (bom.length < 3 || (bom[0] & 0xff) != 0xef || (bom[1] & 0xff) != 0xbb || (bom[2] & 0xff) != 0xbf) {
            in.reset();
        }
        in.mark(maxLineBytes + 2);
        boolean lineMode = firstLineIsOneObject();
        in.reset();
        if (lineMode) {
            lines = new ByteLines(in, maxLineBytes);
        } else {
            parser = JsonValues.FACTORY.createParser(in);
        }
    }

    /**
     * Whether the first non-blank line holds exactly one complete JSON object. Reads at most
     * {@code maxLineBytes} bytes ahead (the caller resets the stream afterwards).
     */
    private boolean firstLineIsOneObject() throws IOException {
        byte[] head = new byte[Math.min(CHUNK, maxLineBytes + 1)];
        int len = 0;
        int contentStart = -1;
        while (len <= maxLineBytes) {
            if (len == head.length) {
                head = java.util.Arrays.copyOf(head, Math.min(head.length * 2, maxLineBytes + 1));
            }
            int n = in.read(head, len, head.length - len);
            if (n < 0) {
                break;
            }
            for (int i = len; i < len + n; i++) {
                if (contentStart < 0 && !isWhitespace(head[i])) {
                    contentStart = i;
                } else if (contentStart >= 0 && head[i] == '\n') {
                    return isOneObject(head, contentStart, i);
                }
            }
            len += n;
            if (len >= maxLineBytes + 1) {
                return false;
            }
        }
        return contentStart >= 0 && isOneObject(head, contentStart, len);
    }

    private static boolean isOneObject(byte[] bytes, int from, int to) throws IOException {
        if (bytes[from] != '{') {
            return false;
        }
        try (JsonParser p = JsonValues.FACTORY.createParser(bytes, from, to - from)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (JsonProcessingException | CharConversionException e) {
            return false;
        }
    }

    /** The next element; null at the end of the file. */
    Element next() {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        if (done) {
            return null;
        }
        try {
            return lines != null ? nextLine() : nextInDocument();
        } catch (JsonProcessingException | CharConversionException e) {
            done = true;
            return syntaxError(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + displayName, e);
        }
    }

    private Element nextLine() throws IOException {
        while (true) {
            int len = lines.next();
            if (len == ByteLines.END) {
                done = true;
                return null;
            }
            int lineNumber = lines.lineNumber();
            if (len == ByteLines.TOO_LONG) {
                return new Element(++index, lineNumber, null, "line longer than " + maxLineBytes + " bytes");
            }
            byte[] line = lines.bytes();
            int start = 0;
            while (start < len && isWhitespace(line[start])) {
                start++;
            }
            if (start == len) {
                continue;
            }
            Object value;
            try (JsonParser p = JsonValues.FACTORY.createParser(line, 0, len)) {
                p.nextToken();
                value = JsonValues.read(p);
                if (p.nextToken() != null) {
                    return new Element(++index, lineNumber, null, "extra data after the JSON value");
                }
            } catch (JsonProcessingException | CharConversionException e) {
                return new Element(++index, lineNumber, null, message(e));
            }
            if (!(value instanceof Map)) {
                return new Element(++index, lineNumber, null, "expected a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) value;
            List<?> wrapped = wrappedFindings(object);
            if (wrapped == null) {
                return new Element(++index, lineNumber, object, null);
            }
            for (Object element : wrapped) {
                pending.add(element instanceof Map<?, ?> m ? new Element(++index, lineNumber, cast(m), null)
                        : new Element(++index, lineNumber, null, "expected a JSON object"));
            }
            if (!pending.isEmpty()) {
                return pending.poll();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** The findings of Security Hub's wrappers read whole; null for any other object. */
    private static List<?> wrappedFindings(Map<String, Object> object) {
        if (object.get("Findings") instanceof List<?> list) {
            return list;
        }
        if (object.get("detail") instanceof Map<?, ?> detail && detail.get("findings") instanceof List<?> list) {
            return list;
        }
        return null;
    }

    private Element nextInDocument() throws IOException {
        while (true) {
            if (arrayNesting >= 0) {
                JsonToken t = parser.nextToken();
                if (t == null) {
                    done = true;
                    return new Element(++index, parser.currentLocation().getLineNr(), null, "unterminated JSON array");
                }
                if (t == JsonToken.END_ARRAY) {
                    leaveArray();
                    continue;
                }
                int n = ++index;
                int at = tokenLine();
                if (t == JsonToken.START_OBJECT) {
                    inElement = true;
                    Map<String, Object> object = JsonValues.readObject(parser);
                    inElement = false;
                    return new Element(n, at, object, null);
                }
                parser.skipChildren();
                return new Element(n, at, null, "expected a JSON object, got " + JsonValues.kindOf(t));
            }
            JsonToken t = parser.nextToken();
            if (t == null) {
                done = true;
                return null;
            }
            if (t == JsonToken.START_ARRAY) {
                arrayNesting = 0;
            } else if (t == JsonToken.START_OBJECT) {
                int at = tokenLine();
                Map<String, Object> object = rootObject();
                if (object != null) {
                    return new Element(++index, at, object, null);
                }
            } else {
                return new Element(++index, tokenLine(), null,
                        "expected a JSON array or object, got " + JsonValues.kindOf(t));
            }
        }
    }

    /**
     * Reads a top-level object; on Security Hub's {@code Findings} array or an event's
     * {@code detail.findings}, stops there to stream it and returns null.
     */
    private Map<String, Object> rootObject() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("Findings") && value == JsonToken.START_ARRAY) {
                arrayNesting = 1;
                return null;
            }
            if (name.equals("detail") && value == JsonToken.START_OBJECT) {
                Map<String, Object> detail = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    if (parser.nextToken() == JsonToken.START_ARRAY && field.equals("findings")) {
                        arrayNesting = 2;
                        return null;
                    }
                    detail.put(field, JsonValues.read(parser));
                }
                root.put(name, detail);
                continue;
            }
            root.put(name, JsonValues.read(parser));
        }
        return root;
    }

    /** After a streamed array: skips the rest of the objects around it. */
    private void leaveArray() throws IOException {
        int open = arrayNesting;
        arrayNesting = -1;
        while (open > 0) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                throw new UncheckedIOException(new IOException("unreachable: Jackson reports an unclosed object"));
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                parser.skipChildren();
            } else if (t == JsonToken.END_OBJECT) {
                open--;
            }
        }
    }

    private int tokenLine() {
        return parser.currentTokenLocation().getLineNr();
    }

    private Element syntaxError(IOException e) {
        JsonLocation where = e instanceof JsonProcessingException p ? p.getLocation() : null;
        int at = where == null ? (lines == null ? 0 : lines.lineNumber()) : where.getLineNr();
        String column = where == null ? "" : " column " + where.getColumnNr();
        int n = inElement ? index : ++index;
        return new Element(n, at, null, "invalid JSON at line " + at + column + ": " + message(e)
                + "; the rest of the file is not read");
    }

    private static String message(IOException e) {
        return e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    @Override
    public void close() throws IOException {
        if (parser != null) {
            parser.close();
        }
        in.close();
    }
}
