package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * What one account's pushes last saw in central, per record path: the checksum of the model
 * content, the version token, {@code _version}, the time LATEST_WINS compares and when central
 * last confirmed the entry (a read or a write of the record), so that entries older than a
 * maximum age are checked against central again. It lets a
 * re-push skip unchanged records without a request and replace changed ones without reading
 * them first. It is a cache, never the truth: every write it leads to is still conditional
 * on the token it remembers, and a failed condition falls back to read-and-resolve.
 *
 * <p>Held as flat arrays (open addressing at most 3/4 full: about 140 bytes per record with its token) rather
 * than objects, so that the index of a 700,000-record scan fits next to a streaming push in a
 * 512 MB heap. Keys are the first 128 bits of SHA-256 of the record path; the checksum is
 * kept whole. Not thread-safe: the engine looks entries up from its workers only while no one
 * updates them, and applies updates from its coordinating thread between batches.
 *
 * <p>Stored format (big-endian): magic {@code STIDX002}; account id (u16 length + UTF-8);
 * entry count (i32); entries of key (16 bytes), checksum (32), version (i64), time (i64,
 * epoch microseconds or {@link #NO_TIME}), checked-at (i64, epoch microseconds or
 * {@link #NO_TIME}), token (u16 length + UTF-8); CRC32 of everything before it (i64). The
 * first format, {@code STIDX001}, is the same without checked-at and still reads, its entries
 * as never checked. Anything else, including a different account, reads as corrupt.
 */
final class PushIndex {
    /** Time of a record with no parsable {@code last_seen}/{@code _synced_at}: LATEST_WINS lets local win. */
    static final long NO_TIME = Long.MIN_VALUE;
    /** Above this many records an index is neither kept nor written: its memory would rival the push's. */
    static final int MAX_ENTRIES = 1_000_000;

    /** Looking a digest up per record costs as much as hashing a path; each worker keeps one. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    });
    private static final byte[] MAGIC = "STIDX002".getBytes(StandardCharsets.US_ASCII);
    /** The first format: entries without their checked-at time. */
    private static final byte[] MAGIC_V1 = "STIDX001".getBytes(StandardCharsets.US_ASCII);
    /** longs per slot: key(2) checksum(4) version time checkedAt tokenRef. */
    private static final int STRIDE = 10;
    private static final int KEY = 0;
    private static final int SUM = 2;
    private static final int VERSION = 6;
    private static final int TIME = 7;
    private static final int CHECKED = 8;
    private static final int TOKEN = 9;

    private final String accountId;
    private long[] slots;
    /** Occupied marker per slot: key (0, 0) is a legal hash, so emptiness is kept apart. */
    private boolean[] used;
    /** Set for slots written since the index was loaded or created: what this sync learnt. */
    private boolean[] fresh;
    private int size;
    private byte[] tokens = new byte[1024];
    private int tokensUsed;

    PushIndex(String accountId) {
        this(accountId, 16);
    }

    private PushIndex(String accountId, int expected) {
        this.accountId = accountId;
        int capacity = 16;
        while (capacity * 3L < expected * 4L) {
            capacity *= 2;
        }
        this.slots = new long[capacity * STRIDE];
        this.used = new boolean[capacity];
        this.fresh = new boolean[capacity];
    }

    int size() {
        return size;
    }

    String accountId() {
        return accountId;
    }

    /** The lookup key of a record path. */
    static Key key(String path) {
        byte[] d = SHA256.get().digest(path.getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.wrap(d);
        return new Key(b.getLong(), b.getLong());
    }

    /** A 128-bit key: a collision between two paths of one account is not a practical concern. */
    record Key(long hi, long lo) {
    }

    /**
     * What the index remembers of one record; {@code version == 0} means "do not trust".
     *
     * @param checkedAt when central last confirmed this entry, epoch microseconds, or
     *                  {@link #NO_TIME} when never
     */
    record Entry(long[] checksum, long version, long time, String token, long checkedAt) {
        /** An entry never confirmed against central (as the first stored format holds them). */
        Entry(long[] checksum, long version, long time, String token) {
            this(checksum, version, time, token, NO_TIME);
        }

        boolean trusted() {
            return version > 0 && token != null && !token.isEmpty();
        }

        /** Whether the entry was confirmed less than {@code maxAgeMicros} before {@code nowMicros}. */
        boolean fresh(long nowMicros, long maxAgeMicros) {
            return checkedAt != NO_TIME && maxAgeMicros > 0 && nowMicros - checkedAt < maxAgeMicros;
        }

        boolean sameContent(long[] otherChecksum) {
            return Arrays.equals(checksum, otherChecksum);
        }
    }

    /** The 64 hex digits of a record checksum as four longs. */
    static long[] checksum(String hex) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            out[i] = Long.parseUnsignedLong(hex, i * 16, i * 16 + 16, 16);
        }
        return out;
    }

    /** {@link #NO_TIME} unless {@code value} is a timestamp LATEST_WINS can compare. */
    static long micros(Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            return NO_TIME;
        }
        return PythonTimestamps.toInstant(s).map(PushIndex::micros).orElse(NO_TIME);
    }

    static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    Entry get(Key key) {
        int slot = find(key);
        if (slot < 0) {
            return null;
        }
        int base = slot * STRIDE;
        long[] sum = Arrays.copyOfRange(slots, base + SUM, base + SUM + 4);
        return new Entry(sum, slots[base + VERSION], slots[base + TIME], token(slots[base + TOKEN]),
                slots[base + CHECKED]);
    }

    /** Records what central now holds at the path of {@code key}. */
    void put(Key key, Entry entry) {
        int slot = find(key);
        if (slot < 0) {
            if ((size + 1) * 4L > used.length * 3L) {
                grow();
            }
            slot = insertionSlot(key);
            used[slot] = true;
            size++;
        }
        int base = slot * STRIDE;
        slots[base + KEY] = key.hi();
        slots[base + KEY + 1] = key.lo();
        System.arraycopy(entry.checksum(), 0, slots, base + SUM, 4);
        slots[base + VERSION] = entry.version();
        slots[base + TIME] = entry.time();
        slots[base + CHECKED] = entry.checkedAt();
        slots[base + TOKEN] = storeToken(entry.token());
        fresh[slot] = true;
    }

    /** Whether the entry of {@code key} was written since this index was loaded. */
    boolean learntSinceLoad(Key key) {
        int slot = find(key);
        return slot >= 0 && fresh[slot];
    }

    /** Keeps the entry but marks it untrusted, so the next push reads the record first. */
    void distrust(Key key) {
        int slot = find(key);
        if (slot >= 0) {
            slots[slot * STRIDE + VERSION] = 0;
            fresh[slot] = true;
        }
    }

    /**
     * Takes in another writer's entries where they are newer: {@code _version} counts accepted
     * writes of a path, so the higher one describes the later state of central; of two entries
     * of the same version and token, the one confirmed later.
     */
    void mergeNewer(PushIndex other) {
        for (int slot = 0; slot < other.used.length; slot++) {
            if (!other.used[slot]) {
                continue;
            }
            int base = slot * STRIDE;
            Key key = new Key(other.slots[base + KEY], other.slots[base + KEY + 1]);
            Entry theirs = other.get(key);
            Entry mine = get(key);
            if (mine == null || theirs.version() > mine.version()
                    || (theirs.version() == mine.version() && theirs.token().equals(mine.token())
                    && theirs.checkedAt() > mine.checkedAt())) {
                put(key, theirs);
            }
        }
    }

    byte[] serialize() {
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        long length = MAGIC.length + 2L + account.length + 4;
        for (int slot = 0; slot < used.length; slot++) {
            if (used[slot]) {
                length += 16 + 32 + 8 + 8 + 8 + 2 + tokenLength(slots[slot * STRIDE + TOKEN]);
            }
        }
        length += 8;
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("index too large to store: " + length + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) length);
        out.put(MAGIC).putShort((short) account.length).put(account).putInt(size);
        for (int slot = 0; slot < used.length; slot++) {
            if (!used[slot]) {
                continue;
            }
            int base = slot * STRIDE;
            for (int i = 0; i < TOKEN; i++) {
                out.putLong(slots[base + i]);
            }
            long ref = slots[base + TOKEN];
            out.putShort((short) tokenLength(ref)).put(tokens, tokenOffset(ref), tokenLength(ref));
        }
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        return out.array();
    }

    /**
     * Parses a stored index of {@code accountId}.
     *
     * @throws CorruptIndexException when the bytes are not an intact index of that account
     */
    static PushIndex parse(byte[] bytes, String accountId) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            boolean v1 = Arrays.equals(magic, MAGIC_V1);
            if (!v1 && !Arrays.equals(magic, MAGIC)) {
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
            if (count < 0 || count > MAX_ENTRIES) {
                throw new CorruptIndexException("implausible entry count " + count);
            }
            PushIndex index = new PushIndex(accountId, count);
            for (int i = 0; i < count; i++) {
                Key key = new Key(in.getLong(), in.getLong());
                long[] sum = {in.getLong(), in.getLong(), in.getLong(), in.getLong()};
                long version = in.getLong();
                long time = in.getLong();
                long checkedAt = v1 ? NO_TIME : in.getLong();
                byte[] token = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(token);
                index.put(key, new Entry(sum, version, time, new String(token, StandardCharsets.UTF_8), checkedAt));
            }
            Arrays.fill(index.fresh, false);
            if (in.remaining() != 8) {
                throw new CorruptIndexException("trailing bytes");
            }
            return index;
        } catch (BufferUnderflowException e) {
            throw new CorruptIndexException("truncated", e);
        }
    }

    /** Stored bytes that are not an intact index of the expected account. */
    static final class CorruptIndexException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CorruptIndexException(String message) {
            super(message);
        }

        CorruptIndexException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private int find(Key key) {
        int mask = used.length - 1;
        for (int slot = (int) mix(key) & mask; used[slot]; slot = (slot + 1) & mask) {
            int base = slot * STRIDE;
            if (slots[base + KEY] == key.hi() && slots[base + KEY + 1] == key.lo()) {
                return slot;
            }
        }
        return -1;
    }

    private int insertionSlot(Key key) {
        int mask = used.length - 1;
        int slot = (int) mix(key) & mask;
        while (used[slot]) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long mix(Key key) {
        // The key is already a cryptographic hash; fold it so both halves count.
        return key.hi() ^ (key.lo() >>> 17);
    }

    private void grow() {
        long[] oldSlots = slots;
        boolean[] oldUsed = used;
        boolean[] oldFresh = fresh;
        slots = new long[oldSlots.length * 2];
        used = new boolean[oldUsed.length * 2];
        fresh = new boolean[oldUsed.length * 2];
        for (int slot = 0; slot < oldUsed.length; slot++) {
            if (oldUsed[slot]) {
                int base = slot * STRIDE;
                int target = insertionSlot(new Key(oldSlots[base + KEY], oldSlots[base + KEY + 1]));
                used[target] = true;
                fresh[target] = oldFresh[slot];
                System.arraycopy(oldSlots, base, slots, target * STRIDE, STRIDE);
            }
        }
    }

    /** Appends the token to the pool; a replaced token's bytes stay behind until the next load. */
    private long storeToken(String token) {
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("version token longer than 65535 bytes");
        }
        if (tokensUsed + b.length > tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, tokensUsed + b.length));
        }
        System.arraycopy(b, 0, tokens, tokensUsed, b.length);
        long ref = ((long) tokensUsed << 16) | b.length;
        tokensUsed += b.length;
        return ref;
    }

    private String token(long ref) {
        return new String(tokens, tokenOffset(ref), tokenLength(ref), StandardCharsets.UTF_8);
    }

    private static int tokenOffset(long ref) {
        return (int) (ref >>> 16);
    }

    private static int tokenLength(long ref) {
        return (int) (ref & 0xffff);
    }
}
