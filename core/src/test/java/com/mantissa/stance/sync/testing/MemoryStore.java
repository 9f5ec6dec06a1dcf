package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test fake: an in-memory store with the contract's conditional writes, for reference
 * ("clean") runs whose result another store's content is compared with.
 */
public final class MemoryStore implements StorageAdapter {
    private record Entry(byte[] content, String token) {
    }

    private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    private final AtomicLong versions = new AtomicLong();

    @Override
    public synchronized String writeRecord(String path, byte[] content, WriteCondition condition) {
        Entry current = objects.get(path);
        switch (condition.kind()) {
            case IF_ABSENT -> {
                if (current != null) {
                    throw new PreconditionFailedException(path + " exists", null);
                }
            }
            case IF_MATCH -> {
                if (current == null || !current.token().equals(condition.versionToken())) {
                    throw new PreconditionFailedException(path + " changed", null);
                }
            }
            case NONE -> { }
        }
        String token = "v" + versions.incrementAndGet();
        objects.put(path, new Entry(content.clone(), token));
        return token;
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        Entry e = objects.get(path);
        return e == null ? Optional.empty() : Optional.of(new StoredObject(e.content().clone(), e.token()));
    }

    @Override
    public List<String> listRecords(String prefix) {
        return List.copyOf(objects.tailMap(prefix).keySet().stream().takeWhile(k -> k.startsWith(prefix)).toList());
    }

    @Override
    public void deleteRecord(String path) {
        objects.remove(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        Entry e = objects.get(path);
        return e == null ? Optional.empty()
                : Optional.of(new ObjectMetadata(e.content().length, Instant.EPOCH, e.token(), null));
    }

    @Override
    public String location() {
        return "memory://";
    }

    /** Every object, key → content. */
    public Map<String, byte[]> contents() {
        Map<String, byte[]> copy = new java.util.TreeMap<>();
        objects.forEach((k, v) -> copy.put(k, v.content().clone()));
        return copy;
    }
}
