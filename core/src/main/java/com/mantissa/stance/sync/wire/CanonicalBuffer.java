package com.mantissa.stance.sync.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The bytes {@link CanonicalJson} is writing, one buffer per thread and emptied for each value:
 * its output is ASCII, so it is written as bytes directly, neither through a
 * {@code StringBuilder} nor encoded afterwards, and records of about 1.5 KB would otherwise
 * grow and copy a fresh buffer several times each. Also remembers, by the identity of the keys,
 * the sorted order of the objects it wrote last: the normalised models use the same key
 * instances for every record, so each record's keys are sorted once per thread, not per record.
 */
final class CanonicalBuffer {
    /** A buffer grown beyond this (a huge value) is not kept for the thread's next value. */
    private static final int MAX_KEPT_BYTES = 1 << 20;
    private static final int INITIAL_BYTES = 4096;
    /** Objects with up to this many keys have their sorted order remembered (by key count). */
    private static final int REMEMBERED_SIZES = 64;
    private static final ThreadLocal<CanonicalBuffer> BUFFER = ThreadLocal.withInitial(CanonicalBuffer::new);

    byte[] bytes = new byte[INITIAL_BYTES];
    int size;
    private char[] chars = new char[256];
    private final String[][] keysBySize = new String[REMEMBERED_SIZES + 1][];
    private final int[][] orderBySize = new int[REMEMBERED_SIZES + 1][];

    private CanonicalBuffer() {
    }

    /** This thread's buffer, empty. */
    static CanonicalBuffer get() {
        CanonicalBuffer out = BUFFER.get();
        if (out.bytes.length > MAX_KEPT_BYTES) {
            out.bytes = new byte[INITIAL_BYTES];
        }
        if (out.chars.length > MAX_KEPT_BYTES) {
            out.chars = new char[256];
        }
        out.size = 0;
        return out;
    }

    /** Makes room for {@code more} bytes after {@link #size}. */
    void reserve(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void put(char ascii) {
        reserve(1);
        bytes[size++] = (byte) ascii;
    }

    /** Text known to be ASCII: literals and numbers. */
    void ascii(String s) {
        int len = s.length();
        reserve(len);
        for (int i = 0; i < len; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
    }

    /** A scratch array of at least {@code length} characters. */
    char[] chars(int length) {
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        return chars;
    }

    String string() {
        return new String(bytes, 0, size, StandardCharsets.US_ASCII);
    }

    /** Positions of {@code keys} in code point order; the array may be shared, never change it. */
    int[] keyOrder(String[] keys) {
        int n = keys.length;
        if (n <= REMEMBERED_SIZES && sameInstances(keysBySize[n], keys)) {
            return orderBySize[n];
        }
        int[] order = sortedOrder(keys);
        if (n <= REMEMBERED_SIZES) {
            keysBySize[n] = keys;
            orderBySize[n] = order;
        }
        return order;
    }

    private static boolean sameInstances(String[] remembered, String[] keys) {
        if (remembered == null) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (remembered[i] != keys[i]) {
                return false;
            }
        }
        return true;
    }

    private static int[] sortedOrder(String[] keys) {
        // Without surrogates, UTF-16 order (String.compareTo) is code point order.
        Comparator<String> order = Comparator.naturalOrder();
        for (String k : keys) {
            if (hasSurrogate(k)) {
                order = CanonicalJson.CODE_POINT_ORDER;
                break;
            }
        }
        Integer[] positions = new Integer[keys.length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        Comparator<String> byKey = order;
        Arrays.sort(positions, (a, b) -> byKey.compare(keys[a], keys[b]));
        int[] result = new int[positions.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = positions[i];
        }
        return result;
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
