package com.mantissa.stance.sync.engine.scan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Cuts a JSON Lines scan file into runs of whole lines, for a push that must stop between
 * batches and resume there. Each chunk is handed to the engine as a stream that starts with
 * one empty line per line already pushed, so the engine's errors name the line's number in the
 * file. A chunk never starts with a line whose first non-blank character is {@code [}: the
 * scan reader would take such a stream for one JSON array document, so that line stays with
 * the chunk before.
 */
public final class ScanChunks implements Closeable {
    private final InputStream in;
    private final int maxLineBytes;
    private long line;
    private long offset;
    private Line pending;
    private boolean eof;

    /** One run of lines: numbers {@code firstLine..lastLine} (1-based), ending at byte {@code endOffset}. */
    public record Chunk(long firstLine, long lastLine, long endOffset, byte[] bytes) {
        /** The chunk as the engine reads it, padded so that its lines keep their numbers. */
        public InputStream open() {
            return new SequenceInputStream(new EmptyLines(firstLine - 1), new ByteArrayInputStream(bytes));
        }
    }

    private record Line(byte[] bytes, long rawLength) {
        boolean startsBlankOrArray() {
            for (byte b : bytes) {
                if (b == '\n') {
                    return true;
                }
                if (b != ' ' && b != '\t' && b != '\r') {
                    return b == '[';
                }
            }
            return true;
        }
    }

    /**
     * @param in           the file's bytes from {@code offset} on
     * @param line         the number of lines before {@code offset}
     * @param maxLineBytes bytes of one line kept; the rest of a longer line is dropped here and
     *                     the engine reports the line as too long
     */
    public ScanChunks(InputStream in, long line, long offset, int maxLineBytes) {
        this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in, 64 * 1024);
        this.line = line;
        this.offset = offset;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next chunk of at least {@code lines} lines (fewer only at the end); null at the end. */
    public Chunk next(long lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long first = line + 1;
        long count = 0;
        while (true) {
            if (pending == null) {
                pending = readLine();
                if (pending == null) {
                    break;
                }
            }
            if (count >= lines && !pending.startsBlankOrArray()) {
                break;
            }
            out.write(pending.bytes());
            line++;
            offset += pending.rawLength();
            count++;
            pending = null;
        }
        return count == 0 ? null : new Chunk(first, line, offset, out.toByteArray());
    }

    /** Whether no line is left (reads ahead one line, which the next chunk then starts with). */
    public boolean atEnd() throws IOException {
        if (pending == null) {
            pending = readLine();
        }
        return pending == null;
    }

    private Line readLine() throws IOException {
        if (eof) {
            return null;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        long raw = 0;
        int b;
        while ((b = in.read()) >= 0) {
            raw++;
            if (b == '\n') {
                break;
            }
            if (buf.size() <= maxLineBytes) {
                buf.write(b);
            }
        }
        if (b < 0) {
            eof = true;
            if (raw == 0) {
                return null;
            }
        }
        buf.write('\n');
        return new Line(buf.toByteArray(), raw);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** {@code count} newline bytes, without holding them. */
    public static final class EmptyLines extends InputStream {
        private long left;

        public EmptyLines(long count) {
            this.left = count;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return '\n';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) '\n');
            left -= n;
            return n;
        }
    }
}
