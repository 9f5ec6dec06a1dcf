package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.model.RecordKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A 128-bit hash (MurmurHash3 x64/128, seeded by the record kind) of the raw bytes of a scan
 * line. Equal hashes stand for byte-identical lines, which normalise to the same model content,
 * so a re-push may recognise an unchanged record from its bytes. Not cryptographic, on purpose:
 * a fresh process hashes every line of a scan before the JIT has warmed up, and SHA-256 then
 * costs more than the parsing it saves. An accidental collision of two 128-bit hashes is not a
 * practical concern; what one could at worst cause (a changed line taken as unchanged) lasts
 * only until the index entry's maximum age sends the record back to the canonical path.
 */
public record LineHash(long hi, long lo) {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    public static LineHash of(RecordKind kind, byte[] b, int length) {
        long h1 = 0x9747b28cL + kind.ordinal();
        long h2 = h1;
        int blocks = length >>> 4;
        for (int i = 0; i < blocks; i++) {
            int o = i << 4;
            long k1 = le64(b, o);
            long k2 = le64(b, o + 8);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = blocks << 4;
        for (int i = length - 1; i >= tail; i--) {
            int shift = ((i - tail) & 7) << 3;
            if (i - tail >= 8) {
                k2 |= (b[i] & 0xffL) << shift;
            } else {
                k1 |= (b[i] & 0xffL) << shift;
            }
        }
        if (length - tail > 8) {
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        if (length - tail > 0) {
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        // (0, 0) stands for "no hash" in the index.
        return h1 == 0 && h2 == 0 ? new LineHash(1, 0) : new LineHash(h1, h2);
    }

    /** Little-endian 8-byte reads as one load each: hashing is most of what the reader thread does. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static long le64(byte[] b, int o) {
        return (long) LONGS.get(b, o);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93e53fe1a87L;
        k ^= k >>> 33;
        return k;
    }
}
