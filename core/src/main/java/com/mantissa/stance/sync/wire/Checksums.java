package com.mantissa.stance.sync.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The original's record checksum and the md5 used to spread record paths. */
public final class Checksums {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Checksums() {
    }

    /**
     * SHA-256 (lower-case hex) of the canonical JSON of every entry whose key does not start with
     * {@code _}, byte-identical to the original's {@code _checksum}.
     */
    public static String recordChecksum(Map<String, Object> record) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (!e.getKey().startsWith("_")) {
                data.put(e.getKey(), e.getValue());
            }
        }
        return hex(digest("SHA-256", CanonicalJson.bytes(data)));
    }

    /** md5 of the UTF-8 bytes of {@code s}, lower-case hex. */
    public static String md5Hex(String s) {
        return hex(digest("MD5", s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String sha256Hex(byte[] bytes) {
        return hex(digest("SHA-256", bytes));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        MessageDigest digest = switch (algorithm) {
            case "SHA-256" -> SHA_256.get();
            case "MD5" -> MD5.get();
            default -> newDigest(algorithm);
        };
        // digest() leaves it reset for the thread's next use.
        return digest.digest(bytes);
    }

    /**
     * One digest per thread and algorithm: every record takes a SHA-256 and an MD5, and looking
     * an algorithm up through the security providers cost more than hashing a short path.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> newDigest("SHA-256"));
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> newDigest("MD5"));

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 and SHA-256.
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
