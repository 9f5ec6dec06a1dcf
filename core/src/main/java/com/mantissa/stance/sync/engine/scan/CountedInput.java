package com.mantissa.stance.sync.engine.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * An input stream that counts the bytes read through it, for a push's progress, and sums them
 * up (CRC-32C, which the JVM computes with the CPU's own instruction), for the push id the
 * change feed derives from a snapshot's content.
 */
final class CountedInput extends FilterInputStream {
    private final CRC32C crc = new CRC32C();
    private long count;

    CountedInput(InputStream in) {
        super(in);
    }

    long count() {
        return count;
    }

    /** The bytes read so far, summed up: their CRC-32C and count. */
    String digest() {
        return Long.toHexString(crc.getValue()) + ":" + count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
            crc.update(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            crc.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        return skipped;
    }
}
