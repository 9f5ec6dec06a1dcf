package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;

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
 * <p>An entry may also carry the hash of the raw scan line that central's content came from
 * ({@link LineHash}): a re-push of a byte-identical line is then recognised from its bytes
 * alone, without parsing or canonicalising it; the entry also keeps how that line counts in the
 * account's status ({@link CountedAs}, in the token reference's top byte), so such a line still
 * counts. Entries are found by that hash through a second
 * open-addressing table of slot numbers, verified against the entry, so a stale slot is a miss.
 * Stored as {@link PushIndexFormat} describes.
 */
public final class PushIndex {
    /** Time of a record with no parsable {@code last_seen}/{@code _synced_at}: LATEST_WINS lets local win. */
    public static final long NO_TIME = Long.MIN_VALUE;
    /** Above this many records an index is neither kept nor written: its memory would rival the push's. */
    public static final int MAX_ENTRIES = 1_000_000;

    /** Looking a digest up per record costs as much as hashing a path; each worker keeps one. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    });
    /** longs per slot: key(2) checksum(4) version time checkedAt raw(2) tokenRef (with the raw line's count). */
    private static final int STRIDE = 12;
    private static final int KEY = 0;
    private static final int SUM = 2;
    private static final int VERSION = 6;
    private static final int TIME = 7;
    private static final int CHECKED = 8;
    /** The column of the raw line hash (2 longs), which {@link RawLineSlots} looks entries up by. */
    static final int RAW = 9;
    private static final int TOKEN = 11;

    private final String accountId;
    private SlotPages slots;
    /** Occupied marker per slot: key (0, 0) is a legal hash, so emptiness is kept apart. */
    private boolean[] used;
    /** Set for slots written since the index was loaded or created: what this sync learnt. */
    private boolean[] fresh;
    /** The slots of the entries with a raw line hash, by that hash. */
    private final RawLineSlots rawLines;
    private int size;
    /** Version tokens, by reference from each slot, with how the entry's raw line counts. */
    private final TokenPool tokens;
    /** The scan files pushed whole, so that an unchanged one is not read again. */
    private final ScanFileVersions scanFiles = new ScanFileVersions();

    public PushIndex(String accountId) {
        this(accountId, 16, 1024);
    }

    public PushIndex(String accountId, int expected) {
        this(accountId, expected, 1024);
    }

    /** @param tokenBytes the UTF-8 length of all entries' version tokens together, when known */
    public PushIndex(String accountId, int expected, int tokenBytes) {
        this.accountId = accountId;
        this.tokens = new TokenPool(tokenBytes);
        int capacity = 16;
        while (capacity * 3L < expected * 4L) {
            capacity *= 2;
        }
        this.slots = new SlotPages(capacity, STRIDE);
        this.used = new boolean[capacity];
        this.fresh = new boolean[capacity];
        this.rawLines = new RawLineSlots(capacity);
    }

    public int size() {
        return size;
    }

    public String accountId() {
        return accountId;
    }

    public ScanFileVersions scanFiles() {
        return scanFiles;
    }

    /** The lookup key of a record path. */
    public static Key key(String path) {
        byte[] d = SHA256.get().digest(path.getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.wrap(d);
        return new Key(b.getLong(), b.getLong());
    }

    /** A 128-bit key: a collision between two paths of one account is not a practical concern. */
    public record Key(long hi, long lo) {
    }

    /**
     * What the index remembers of one record; {@code version == 0} means "do not trust".
     *
     * @param checkedAt when central last confirmed this entry, epoch microseconds, or
     *                  {@link #NO_TIME} when never
     */
    public record Entry(long[] checksum, long version, long time, String token, long checkedAt, long rawHi, long rawLo,
                 CountedAs counted, int findingState) {
        public Entry(long[] checksum, long version, long time, String token, long checkedAt, long rawHi, long rawLo,
                     CountedAs counted) {
            this(checksum, version, time, token, checkedAt, rawHi, rawLo, counted, FindingState.UNKNOWN);
        }

        /** An entry never confirmed against central (as the first stored format holds them). */
        public Entry(long[] checksum, long version, long time, String token) {
            this(checksum, version, time, token, NO_TIME);
        }

        public Entry(long[] checksum, long version, long time, String token, long checkedAt) {
            this(checksum, version, time, token, checkedAt, 0, 0, CountedAs.UNKNOWN); // without a raw line hash
        }

        /**
         * This entry, remembering that central's content came from the line hashed {@code raw},
         * which counts in the account's status as {@code counted}.
         */
        public Entry withRaw(LineHash raw, CountedAs counted) {
            return raw == null ? this
                    : new Entry(checksum, version, time, token, checkedAt, raw.hi(), raw.lo(), counted, findingState);
        }

        /** This entry, knowing that central's record is a finding in {@code state} ({@link FindingState}). */
        public Entry withFindingState(int state) {
            return new Entry(checksum, version, time, token, checkedAt, rawHi, rawLo, counted, state);
        }

        public boolean hasRaw(LineHash raw) {
            return raw != null && rawHi == raw.hi() && rawLo == raw.lo();
        }

        public boolean trusted() {
            return version > 0 && token != null && !token.isEmpty();
        }

        /** Whether the entry was confirmed less than {@code maxAgeMicros} before {@code nowMicros}. */
        public boolean fresh(long nowMicros, long maxAgeMicros) {
            return checkedAt != NO_TIME && maxAgeMicros > 0 && nowMicros - checkedAt < maxAgeMicros;
        }

        public boolean sameContent(long[] otherChecksum) {
            return Arrays.equals(checksum, otherChecksum);
        }
    }

    /** The 64 hex digits of a record checksum as four longs. */
    public static long[] checksum(String hex) {
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
    public static long micros(Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            return NO_TIME;
        }
        return PythonTimestamps.epochMicros(s, NO_TIME);
    }

    public static long micros(Instant i) {
        return PythonTimestamps.epochMicros(i);
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public Entry get(Key key) {
        int slot = find(key);
        if (slot < 0) {
            return null;
        }
        return entryAt(slot);
    }

    private Entry entryAt(int slot) {
        long[] sum = new long[4];
        slots.read(slot, SUM, sum, 4);
        long token = slots.get(slot, TOKEN);
        return new Entry(sum, slots.get(slot, VERSION), slots.get(slot, TIME), tokens.get(token),
                slots.get(slot, CHECKED), slots.get(slot, RAW), slots.get(slot, RAW + 1), TokenPool.counted(token),
                TokenPool.findingState(token));
    }

    /** A line known from its bytes: the key of its record, and how the line counts. */
    public record Known(Key key, CountedAs counted) {
    }

    /**
     * The entry whose content came from a line with this raw hash, if that entry is trusted, was
     * confirmed less than {@code maxAgeMicros} before {@code nowMicros} and knows how the line
     * counts; else null (the line is then parsed, never guessed).
     */
    public Known knownLine(LineHash raw, long nowMicros, long maxAgeMicros) {
        int slot = rawLines.find(slots, raw.hi(), raw.lo());
        if (slot < 0) {
            return null;
        }
        // Read from the slot, not through an Entry: an unchanged re-push asks this once per
        // line, and an Entry copies the checksum and decodes the token.
        long token = slots.get(slot, TOKEN);
        long checkedAt = slots.get(slot, CHECKED);
        CountedAs counted = TokenPool.counted(token);
        boolean trusted = slots.get(slot, VERSION) > 0 && TokenPool.nonEmpty(token);
        boolean fresh = checkedAt != NO_TIME && maxAgeMicros > 0 && nowMicros - checkedAt < maxAgeMicros;
        return trusted && fresh && counted != CountedAs.UNKNOWN
                ? new Known(new Key(slots.get(slot, KEY), slots.get(slot, KEY + 1)), counted)
                : null;
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
        slots.set(slot, KEY, key.hi());
        slots.set(slot, KEY + 1, key.lo());
        slots.write(slot, SUM, entry.checksum(), 4);
        slots.set(slot, VERSION, entry.version());
        slots.set(slot, TIME, entry.time());
        slots.set(slot, CHECKED, entry.checkedAt());
        slots.set(slot, RAW, entry.rawHi());
        slots.set(slot, RAW + 1, entry.rawLo());
        slots.set(slot, TOKEN, tokens.store(entry.token(), entry.counted(), entry.findingState()));
        fresh[slot] = true;
        rawLines.add(slots, used, slot);
    }

    /** Whether the entry of {@code key} was written since this index was loaded. */
    boolean learntSinceLoad(Key key) {
        int slot = find(key);
        return slot >= 0 && fresh[slot];
    }

    /** Keeps the entry but marks it untrusted, so the next push reads the record first. */
    public void distrust(Key key) {
        int slot = find(key);
        if (slot >= 0) {
            slots.set(slot, VERSION, 0);
            fresh[slot] = true;
        }
    }

    /**
     * Takes in another writer's entries where they are newer: {@code _version} counts accepted
     * writes of a path, so the higher one describes the later state of central; of two entries
     * of the same version and token, the one confirmed later.
     */
    public void mergeNewer(PushIndex other) {
        scanFiles.mergeNewer(other.scanFiles);
        for (int slot = 0; slot < other.used.length; slot++) {
            if (!other.used[slot]) {
                continue;
            }
            Key key = new Key(other.slots.get(slot, KEY), other.slots.get(slot, KEY + 1));
            Entry theirs = other.get(key);
            Entry mine = get(key);
            if (mine == null || theirs.version() > mine.version()
                    || (theirs.version() == mine.version() && theirs.token().equals(mine.token())
                    && theirs.checkedAt() > mine.checkedAt())) {
                put(key, theirs);
            }
        }
    }

    public byte[] serialize() {
        return PushIndexFormat.write(this);
    }

    /**
     * Parses a stored index of {@code accountId}.
     *
     * @throws CorruptIndexException when the bytes are not an intact index of that account
     */
    public static PushIndex parse(byte[] bytes, String accountId) {
        return PushIndexFormat.read(bytes, accountId);
    }

    /** Every entry with its key, for the stored format. */
    public void forEach(java.util.function.BiConsumer<Key, Entry> action) {
        for (int slot = 0; slot < used.length; slot++) {
            if (used[slot]) {
                action.accept(new Key(slots.get(slot, KEY), slots.get(slot, KEY + 1)), entryAt(slot));
            }
        }
    }

    /** After loading: nothing is learnt yet. */
    void markLoaded() {
        Arrays.fill(fresh, false);
    }

    private int find(Key key) {
        int mask = used.length - 1;
        for (int slot = (int) mix(key) & mask; used[slot]; slot = (slot + 1) & mask) {
            if (slots.get(slot, KEY) == key.hi() && slots.get(slot, KEY + 1) == key.lo()) {
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
        SlotPages oldSlots = slots;
        boolean[] oldUsed = used;
        boolean[] oldFresh = fresh;
        slots = new SlotPages(oldUsed.length * 2, STRIDE);
        used = new boolean[oldUsed.length * 2];
        fresh = new boolean[oldUsed.length * 2];
        for (int slot = 0; slot < oldUsed.length; slot++) {
            if (oldUsed[slot]) {
                int target = insertionSlot(new Key(oldSlots.get(slot, KEY), oldSlots.get(slot, KEY + 1)));
                used[target] = true;
                fresh[target] = oldFresh[slot];
                slots.copySlot(oldSlots, slot, target);
            }
        }
        rawLines.rebuild(slots, used);
    }
}
