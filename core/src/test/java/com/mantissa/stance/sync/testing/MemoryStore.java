package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store in memory with the same conditional-write rules as the real ones: for reference
 * ("clean") runs whose result another store's content is compared with, and for measuring the
 * engine without any I/O.
 *
 * <p>With {@code keepContent} false it forgets the records it is given (only their version
 * tokens and sizes stay), so a scan larger than the heap can be streamed through it; the push
 * index (any key containing {@code /_state/}) is always kept, because the engine reads it back.
 */
public final class MemoryStore implements StorageAdapter {
    private record Entry(byte[] content, long size, String token) {
    }

    // Hashed, not sorted: a listing sorts what it finds. A sorted map compared each new key's long
    // shared prefix a dozen times, a tenth of the engine-alone benchmark's CPU.
    private final ConcurrentHashMap<String, Entry> objects = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final boolean keepContent;

    /** A store that keeps everything it is given. */
    public MemoryStore() {
        this(true);
    }

    public MemoryStore(boolean keepContent) {
        this.keepContent = keepContent;
    }

    /** Calls made so far, of any kind. */
    public long requests() {
        return requests.get();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        requests.incrementAndGet();
        // Shaped like an S3 etag (quoted, 32 hex digits), so an index holds tokens of real size.
        String token = etag(versions.incrementAndGet());
        byte[] kept = keepContent || path.contains("/_state/") ? content.clone() : null;
        objects.compute(path, (key, current) -> {
            condition.check(current == null ? null : current.token(), path + " in " + location());
            return new Entry(kept, content.length, token);
        });
        return token;
    }

    /**
     * {@code String.format("\"%032x\"", version)}, without the formatter: the engine-alone
     * benchmark measures the engine through this store, and formatting took a tenth of its CPU.
     */
    static String etag(long version) {
        char[] token = new char[34];
        java.util.Arrays.fill(token, '0');
        token[0] = '"';
        token[33] = '"';
        long v = version;
        for (int i = 32; v != 0; i--) {
            token[i] = Character.forDigit((int) (v & 0xf), 16);
            v >>>= 4;
        }
        return new String(token);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        requests.incrementAndGet();
        Entry e = objects.get(path);
        if (e == null) {
            return Optional.empty();
        }
        if (e.content() == null) {
            throw new IllegalStateException("a store that forgets content cannot return " + path);
        }
        return Optional.of(new StoredObject(e.content().clone(), e.token()));
    }

    @Override
    public List<String> listRecords(String prefix) {
        requests.incrementAndGet();
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    @Override
    public void deleteRecord(String path) {
        requests.incrementAndGet();
        objects.remove(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        requests.incrementAndGet();
        Entry e = objects.get(path);
        return e == null ? Optional.empty() : Optional.of(new ObjectMetadata(e.size(), Instant.EPOCH, e.token(), null));
    }

    @Override
    public String location() {
        return "memory://";
    }

    /** Every object whose content is kept, key → content. */
    public Map<String, byte[]> contents() {
        Map<String, byte[]> copy = new TreeMap<>();
        objects.forEach((k, v) -> {
            if (v.content() != null) {
                copy.put(k, v.content().clone());
            }
        });
        return copy;
    }
}
