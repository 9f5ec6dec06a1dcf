package com.mantissa.stance.sync.testing;

import java.io.InputStream;

/**
 * Input made chunk by chunk as it is read, never held whole: for tests that push or parse more
 * than their heap holds. A subclass gives the chunks.
 */
public abstract class GeneratedInput extends InputStream {
    private byte[] chunk = new byte[0];
    private int pos;
    private long produced;
    private boolean ended;

    /** The next chunk, or null when the input has ended; an empty chunk is skipped. */
    protected abstract byte[] next();

    /** The bytes read so far. */
    public long produced() {
        return produced;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos >= chunk.length) {
            byte[] more = ended ? null : next();
            if (more == null) {
                ended = true;
                return -1;
            }
            chunk = more;
            pos = 0;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        produced += n;
        return n;
    }
}
