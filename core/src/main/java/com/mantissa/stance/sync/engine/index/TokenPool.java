package com.mantissa.stance.sync.engine.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The version tokens of a {@link PushIndex}, appended to one byte array and referred to by one
 * long per entry: offset (32 bits) and length (16 bits), with the entry's {@link CountedAs} in
 * the top byte and its finding's state ({@link FindingState}) in the byte below, so that knowing
 * how a raw line counts and what central's finding was costs the index no memory (the pool
 * never passes 2 GB, so 32 bits of offset are plenty). A replaced
 * token's bytes stay behind until the index is loaded again. Not thread-safe.
 */
final class TokenPool {
    private static final long MAX_OFFSET = (1L << 32) - 1;

    private byte[] bytes;
    private long used;

    TokenPool() {
        this(1024);
    }

    /**
     * @param capacity bytes expected: an index read from its stored form knows its tokens' total,
     *                 and a pool sized once needs no doubling copy (a 700,000-entry index's tokens
     *                 are about 25 MB, and growing to them would briefly hold 75 MB)
     */
    TokenPool(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    /** Appends the token; its reference, carrying {@code counted} and {@code findingState}. */
    long store(String token, CountedAs counted, int findingState) {
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("version token longer than 65535 bytes");
        }
        if (used + b.length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("version tokens of one index over 2 GB");
        }
        int at = (int) used;
        if (at + b.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + b.length));
        }
        System.arraycopy(b, 0, bytes, at, b.length);
        used += b.length;
        return ((long) counted.code() << 56) | ((long) (findingState & 0xff) << 48) | ((long) at << 16) | b.length;
    }

    /** The token a reference names. */
    String get(long ref) {
        return new String(bytes, (int) ((ref >>> 16) & MAX_OFFSET), (int) (ref & 0xffff), StandardCharsets.UTF_8);
    }

    /** Whether the reference names a token of at least one byte. */
    static boolean nonEmpty(long ref) {
        return (ref & 0xffff) != 0;
    }

    /** The entry's finding state, as the reference carries it; {@link FindingState#UNKNOWN} when none. */
    static int findingState(long ref) {
        return (int) ((ref >>> 48) & 0xff);
    }

    /** How the entry's raw line counts, as the reference carries it. */
    static CountedAs counted(long ref) {
        return CountedAs.ofCode((int) (ref >>> 56));
    }
}
