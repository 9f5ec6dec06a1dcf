package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.engine.index.PushIndex.Entry;
import com.mantissa.stance.sync.engine.index.PushIndex.Key;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The stored bytes of a {@link PushIndex}, big-endian: magic {@code STIDX005}; account id
 * (u16 length + UTF-8); entry count (i32); entries of key (16 bytes), checksum (32), version
 * (i64), time (i64, epoch microseconds or {@link PushIndex#NO_TIME}), checked-at (i64, epoch
 * microseconds or {@link PushIndex#NO_TIME}), raw line hash (16 bytes, zero for none), how that
 * line counts in the account's status (u8, {@link CountedAs} ordinal, 0 unknown), the state of
 * central's finding (u8, {@link FindingState}, 0 unknown or not a finding), token (u16
 * length + UTF-8); the scan files pushed whole ({@link ScanFileVersions}); CRC32 of everything
 * before it (i64). The earlier formats still read, without scan files and with their lines'
 * counts and findings' states unknown (such a line is parsed once, a changed finding read once,
 * and its entry then learns it): {@code STIDX004} without the finding state,
 * {@code STIDX003} also without the count, {@code STIDX002} also without the raw line hash,
 * {@code STIDX001} also without checked-at (entries as never checked). Anything else, including
 * a different account, reads as corrupt.
 */
final class PushIndexFormat {
    private static final byte[] MAGIC = "STIDX005".getBytes(StandardCharsets.US_ASCII);
    /** The fourth format: entries without their finding's state, and no scan files after them. */
    private static final byte[] MAGIC_V4 = "STIDX004".getBytes(StandardCharsets.US_ASCII);
    /** The third format: entries without how their raw line counts. */
    private static final byte[] MAGIC_V3 = "STIDX003".getBytes(StandardCharsets.US_ASCII);
    /** The second format: entries without the raw line hash. */
    private static final byte[] MAGIC_V2 = "STIDX002".getBytes(StandardCharsets.US_ASCII);
    /** The first format: entries without their checked-at time either. */
    private static final byte[] MAGIC_V1 = "STIDX001".getBytes(StandardCharsets.US_ASCII);

    private PushIndexFormat() {
    }

    static byte[] write(PushIndex index) {
        byte[] account = index.accountId().getBytes(StandardCharsets.UTF_8);
        // Two passes over the index rather than a list of every entry: a 1 GB scan's 708k
        // entries as objects took more heap than the index itself.
        byte[] scanFiles = index.scanFiles().toBytes();
        long[] length = {MAGIC.length + 2L + account.length + 4 + 8 + scanFiles.length};
        int[] count = {0};
        index.forEach((key, entry) -> {
            count[0]++;
            length[0] += 16 + 32 + 8 + 8 + 8 + 16 + 1 + 1 + 2 + entry.token().getBytes(StandardCharsets.UTF_8).length;
        });
        if (length[0] > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("index too large to store: " + length[0] + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) length[0]);
        out.put(MAGIC).putShort((short) account.length).put(account).putInt(count[0]);
        index.forEach((key, e) -> {
            out.putLong(key.hi()).putLong(key.lo());
            for (long part : e.checksum()) {
                out.putLong(part);
            }
            out.putLong(e.version()).putLong(e.time()).putLong(e.checkedAt()).putLong(e.rawHi()).putLong(e.rawLo());
            out.put((byte) e.counted().code());
            out.put((byte) e.findingState());
            byte[] token = e.token().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) token.length).put(token);
        });
        out.put(scanFiles);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        return out.array();
    }

    /** Bytes of one stored entry besides its token's UTF-8. */
    private static int entryBytesWithoutToken(boolean v1, boolean v2, boolean v3, boolean v4) {
        int bytes = 16 + 32 + 8 + 8 + 2;
        if (!v1) {
            bytes += 8; // checked-at
        }
        if (!v1 && !v2) {
            bytes += 16; // raw line hash
        }
        if (!v1 && !v2 && !v3) {
            bytes += 1; // how the line counts
        }
        if (!v1 && !v2 && !v3 && !v4) {
            bytes += 1; // the finding's state
        }
        return bytes;
    }

    static PushIndex read(byte[] bytes, String accountId) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            boolean v1 = Arrays.equals(magic, MAGIC_V1);
            boolean v2 = Arrays.equals(magic, MAGIC_V2);
            boolean v3 = Arrays.equals(magic, MAGIC_V3);
            boolean v4 = Arrays.equals(magic, MAGIC_V4);
            if (!v1 && !v2 && !v3 && !v4 && !Arrays.equals(magic, MAGIC)) {
                throw new CorruptIndexException("not a push index (bad magic)");
            }
            if (bytes.length < MAGIC.length + 8) {
                throw new CorruptIndexException("truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
                throw new CorruptIndexException("checksum mismatch");
            }
            byte[] account = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(account);
            if (!new String(account, StandardCharsets.UTF_8).equals(accountId)) {
                throw new CorruptIndexException("index of another account");
            }
            int count = in.getInt();
            if (count < 0 || count > PushIndex.MAX_ENTRIES) {
                throw new CorruptIndexException("implausible entry count " + count);
            }
            // The tokens' total is at most what the fixed-size parts of the entries leave of the bytes.
            long tokenBytes = in.remaining() - 8L - (long) count * entryBytesWithoutToken(v1, v2, v3, v4);
            if (tokenBytes < 0) {
                throw new CorruptIndexException("truncated");
            }
            PushIndex index = new PushIndex(accountId, count, (int) Math.min(tokenBytes, Integer.MAX_VALUE - 16));
            for (int i = 0; i < count; i++) {
                Key key = new Key(in.getLong(), in.getLong());
                long[] sum = {in.getLong(), in.getLong(), in.getLong(), in.getLong()};
                long version = in.getLong();
                long time = in.getLong();
                long checkedAt = v1 ? PushIndex.NO_TIME : in.getLong();
                long rawHi = v1 || v2 ? 0 : in.getLong();
                long rawLo = v1 || v2 ? 0 : in.getLong();
                CountedAs counted = v1 || v2 || v3 ? CountedAs.UNKNOWN : CountedAs.ofCode(Byte.toUnsignedInt(in.get()));
                int findingState = v1 || v2 || v3 || v4 ? FindingState.UNKNOWN
                        : FindingState.valid(Byte.toUnsignedInt(in.get()));
                byte[] token = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(token);
                index.put(key, new Entry(sum, version, time, new String(token, StandardCharsets.UTF_8), checkedAt,
                        rawHi, rawLo, counted, findingState));
            }
            if (!v1 && !v2 && !v3 && !v4) {
                in.limit(bytes.length - 8);
                index.scanFiles().read(in);
                in.limit(bytes.length);
            }
            index.markLoaded();
            if (in.remaining() != 8) {
                throw new CorruptIndexException("trailing bytes");
            }
            return index;
        } catch (BufferUnderflowException e) {
            throw new CorruptIndexException("truncated", e);
        }
    }
}
