package com.mantissa.stance.sync.formats;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a stream as bytes, without their '\n', in memory bounded by the longest line
 * accepted: the rest of a longer line is skipped without being buffered.
 */
final class ByteLines {
    private static final int CHUNK = 64 * 1024;

    /** {@link #next()} at the end of the stream. */
    static final int END = -1;
    /** {@link #next()} for a line over the limit, whose bytes were skipped. */
    static final int TOO_LONG = -2;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[CHUNK];
    private int bufPos;
    private int bufLen;
    private boolean eof;
    private byte[] line = new byte[1024];
    private int lineNumber;

    ByteLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads the next line into {@link #bytes()}: its length, {@link #END} or {@link #TOO_LONG}. */
    int next() throws IOException {
        if (bufPos >= bufLen && !fill()) {
            return END;
        }
        lineNumber++;
        int len = 0;
        boolean tooLong = false;
        while (true) {
            if (bufPos >= bufLen && !fill()) {
                return tooLong ? TOO_LONG : len;
            }
            int nl = bufPos;
            while (nl < bufLen && buf[nl] != '\n') {
                nl++;
            }
            int n = nl - bufPos;
            if (!tooLong) {
                if ((long) len + n > maxLineBytes) {
                    tooLong = true;
                } else {
                    if (len + n > line.length) {
                        line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
                    }
                    System.arraycopy(buf, bufPos, line, len, n);
                    len += n;
                }
            }
            bufPos = nl;
            if (nl < bufLen) {
                bufPos = nl + 1;
                return tooLong ? TOO_LONG : len;
            }
        }
    }

    /** The last line read, from index 0 up to the length {@link #next()} returned. */
    byte[] bytes() {
        return line;
    }

    /** The number of the last line read, from 1. */
    int lineNumber() {
        return lineNumber;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        bufPos = 0;
        bufLen = n;
        return true;
    }
}
