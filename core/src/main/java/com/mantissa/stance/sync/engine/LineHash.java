package com.mantissa.stance.sync.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The first 128 bits of SHA-256 over a record's kind and the raw bytes of its scan line. Two
 * lines with the same hash are byte-identical (as far as SHA-256 can tell), so they normalise
 * to the same model content: a re-push may recognise an unchanged record from its bytes.
 */
record LineHash(long hi, long lo) {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    });

    static LineHash of(RecordKind kind, byte[] line, int length) {
        MessageDigest sha = SHA256.get();
        sha.update((byte) kind.ordinal());
        sha.update(line, 0, length);
        byte[] d = sha.digest();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (d[i] & 0xff);
            lo = (lo << 8) | (d[i + 8] & 0xff);
        }
        // (0, 0) stands for "no hash" in the index.
        return hi == 0 && lo == 0 ? new LineHash(1, 0) : new LineHash(hi, lo);
    }
}
