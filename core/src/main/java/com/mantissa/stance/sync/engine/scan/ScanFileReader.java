package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.JsonSyntaxException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Streams the records of a scan file in memory bounded by the longest accepted line, so a
 * gigabyte-sized findings.jsonl can be pushed with a small heap. Every file but a {@code .json}
 * one is JSON Lines, read line by line whatever its first line holds: every bad line becomes an
 * error entry naming file and line (columns count within the line), and reading goes on with the
 * next line.
 *
 * <p>A {@code .json} file is one JSON document: an array yields its elements numbered 1, 2, ...,
 * an object yields itself. It is streamed element by element too ({@link ScanDocumentReader}).
 */
public final class ScanFileReader implements Iterator<ScanLine>, Closeable {
    /** Longest line accepted; the rest of a longer line is skipped without being buffered. */
    public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

    private static final int CHUNK = 64 * 1024;

    private final String displayName;
    private final InputStream in;
    private final int maxLineBytes;
    /** Read-ahead; made when a file is opened, not for a line parsed on its own ({@link #parse}). */
    private byte[] buf;
    private int bufPos;
    private int bufLen;
    private boolean eof;
    private int lineNumber;
    private byte[] line;
    /** Set for a {@code .json} file: one array of records (or one object), streamed by element. */
    private ScanDocumentReader document;
    private ScanLine next;
    private LineFilter filter;
    /** Strict: malformed UTF-8 is an error for its line, not silently replaced. */
    private CharsetDecoder utf8;

    private ScanFileReader(String displayName, InputStream in, int maxLineBytes) {
        this.displayName = displayName;
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    public static ScanFileReader open(String displayName, InputStream in) {
        return open(displayName, in, DEFAULT_MAX_LINE_BYTES);
    }

    public static ScanFileReader open(String displayName, InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        ScanFileReader r = new ScanFileReader(displayName, in, maxLineBytes);
        r.start();
        return r;
    }

    private void start() {
        buf = new byte[CHUNK];
        line = new byte[1024];
        fill();
        // A UTF-8 byte order mark is not part of the data (Python would need utf-8-sig).
        if (bufLen - bufPos >= 3 && (buf[0] & 0xff) == 0xef && (buf[1] & 0xff) == 0xbb && (buf[2] & 0xff) == 0xbf) {
            bufPos = 3;
        }
        if (displayName != null && displayName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            document = new ScanDocumentReader(displayName, buf, bufPos, bufLen, in, maxLineBytes);
        }
    }

    /** Takes lines to be parsed elsewhere, or not at all; such a line is returned with neither object nor error. */
    interface LineFilter {
        boolean known(byte[] line, int length);
    }

    /** Lines of a {@code .jsonl} file that {@code filter} takes are returned unparsed. */
    void filter(LineFilter filter) {
        this.filter = document == null ? filter : null;
    }

    /** Parses one line taken unparsed before, as {@link #next()} would have. */
    static ScanLine parse(String displayName, int lineNumber, byte[] line) {
        ScanFileReader r = new ScanFileReader(displayName, java.io.InputStream.nullInputStream(), line.length + 1);
        r.line = line;
        return r.lineAt(lineNumber, line.length);
    }

    @SuppressWarnings("unchecked")
    private ScanLine asRecord(int n, Object value) {
        if (value instanceof Map) {
            return new ScanLine(n, (Map<String, Object>) value, null);
        }
        return error(n, "expected a JSON object");
    }

    private ScanLine error(int n, String message) {
        return new ScanLine(n, null, displayName + " line " + n + ": " + message);
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = advance();
        }
        return next != null;
    }

    @Override
    public ScanLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ScanLine result = next;
        next = null;
        return result;
    }

    private ScanLine advance() {
        if (document != null) {
            return document.next();
        }
        while (true) {
            int len = readLine();
            if (len == -1) {
                return null;
            }
            if (len == -2) {
                return error(lineNumber, "line longer than " + maxLineBytes + " bytes");
            }
            if (filter != null && filter.known(line, len)) {
                return new ScanLine(lineNumber, null, null);
            }
            ScanLine parsed = lineAt(lineNumber, len);
            if (parsed != null) {
                return parsed;
            }
        }
    }

    /** The record of the line in {@link #line}; null for a blank line. */
    private ScanLine lineAt(int lineNumber, int len) {
        CharBuffer text;
        try {
            text = decode(line, len);
        } catch (CharacterCodingException e) {
            return error(lineNumber, "invalid UTF-8");
        }
        if (isBlank(text)) {
            return null;
        }
        try {
            return asRecord(lineNumber, JsonParser.parse(text.array(), text.limit()));
        } catch (JsonSyntaxException e) {
            return error(lineNumber, e.getMessage());
        }
    }

    /**
     * Reads the next line (without its '\n') into {@link #line}: its length, -1 at end of input,
     * -2 for a line over the limit (whose bytes were skipped).
     */
    private int readLine() {
        if (bufPos >= bufLen && !fill()) {
            return -1;
        }
        lineNumber++;
        int len = 0;
        boolean tooLong = false;
        while (true) {
            if (bufPos >= bufLen && !fill()) {
                return tooLong ? -2 : len;
            }
            int nl = indexOfNewline(buf, bufPos, bufLen);
            int end = nl < 0 ? bufLen : nl;
            int n = end - bufPos;
            if (!tooLong) {
                if ((long) len + n > maxLineBytes) {
                    tooLong = true;
                } else {
                    ensureLineCapacity(len + n);
                    System.arraycopy(buf, bufPos, line, len, n);
                    len += n;
                }
            }
            bufPos = end;
            if (nl >= 0) {
                bufPos = nl + 1;
                return tooLong ? -2 : len;
            }
        }
    }

    /**
     * The first '\n' in {@code b[from, to)}, or -1. Eight bytes at a time: a byte-by-byte loop
     * was a sixth of reading a line.
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;

    private void ensureLineCapacity(int needed) {
        if (needed > line.length) {
            int size = line.length;
            while (size < needed) {
                size = (int) Math.min((long) size * 2, Integer.MAX_VALUE - 8);
            }
            byte[] bigger = new byte[size];
            System.arraycopy(line, 0, bigger, 0, line.length);
            line = bigger;
        }
    }

    /** Replaces the buffer content with the next chunk; false at end of input. */
    private boolean fill() {
        bufPos = 0;
        bufLen = 0;
        return fillMore();
    }

    /** Appends more input after the buffered bytes; false when nothing more could be read. */
    private boolean fillMore() {
        if (eof || bufLen >= buf.length) {
            return false;
        }
        try {
            int n = in.read(buf, bufLen, buf.length - bufLen);
            while (n == 0) {
                n = in.read(buf, bufLen, buf.length - bufLen);
            }
            if (n < 0) {
                eof = true;
                return false;
            }
            bufLen += n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + displayName, e);
        }
    }

    /** The line's characters, from index 0 of the buffer's array up to its limit. */
    private CharBuffer decode(byte[] bytes, int len) throws CharacterCodingException {
        char[] chars = new char[len];
        // The JDK's own decoding (vectorised for ASCII) is exact unless it had to replace a
        // malformed sequence, which leaves U+FFFD: only then is the line decoded strictly, to report it.
        String text = new String(bytes, 0, len, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            text.getChars(0, text.length(), chars, 0);
            return CharBuffer.wrap(chars, 0, text.length());
        }
        int i = 0;
        while (bytes[i] >= 0) {
            chars[i] = (char) bytes[i];
            i++;
        }
        if (utf8 == null) {
            // Made on the first non-ASCII line only: most lines are ASCII, and a line parsed on
            // its own ({@link #parse}) would otherwise pay for a decoder each time.
            utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        // The rest, after the ASCII prefix; UTF-8 never takes more UTF-16 units than bytes.
        CharBuffer out = CharBuffer.wrap(chars);
        out.position(i);
        CoderResult result = utf8.reset().decode(ByteBuffer.wrap(bytes, i, len - i), out, true);
        if (!result.isUnderflow()) {
            result.throwException();
        }
        result = utf8.flush(out);
        if (!result.isUnderflow()) {
            result.throwException();
        }
        return out.flip();
    }

    private static boolean isBlank(CharBuffer s) {
        char[] chars = s.array();
        for (int i = 0; i < s.limit(); i++) {
            char c = chars[i];
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
