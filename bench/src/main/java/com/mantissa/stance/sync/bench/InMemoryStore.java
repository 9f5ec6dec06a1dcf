package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store in a map with the same conditional-write rules as the real ones, to measure the
 * engine without any I/O. With {@code keepContent} false it forgets what it is given (only
 * the version tokens stay), for streaming a scan larger than the heap.
 */
final class InMemoryStore implements StorageAdapter {
    private record Obj(byte[] content, String token) {
    }

    private final ConcurrentHashMap<String, Obj> objects = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final boolean keepContent;

    InMemoryStore(boolean keepContent) {
        this.keepContent = keepContent;
    }

    long requests() {
        return requests.get();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        requests.incrementAndGet();
        // Shaped like an S3 etag (quoted, 32 hex digits), so the index holds tokens of real size.
        String token = String.format("\"%032x\"", generation.incrementAndGet());
        // Forgetful mode keeps the push index (it must be read back), not records.
        Obj stored = new Obj(keepContent || path.contains("/_state/") ? content : null, token);
        objects.compute(path, (k, current) -> {
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
                case NONE -> {
                }
            }
            return stored;
        });
        return token;
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        requests.incrementAndGet();
        Obj o = objects.get(path);
        if (o == null) {
            return Optional.empty();
        }
        if (o.content() == null) {
            throw new IllegalStateException("forgetful store cannot return " + path);
        }
        return Optional.of(new StoredObject(o.content(), o.token()));
    }

    @Override
    public List<String> listRecords(String prefix) {
        requests.incrementAndGet();
        List<String> keys = new ArrayList<>();
        for (String k : objects.keySet()) {
            if (k.startsWith(prefix)) {
                keys.add(k);
            }
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        requests.incrementAndGet();
        objects.remove(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        requests.incrementAndGet();
        Obj o = objects.get(path);
        return o == null ? Optional.empty()
                : Optional.of(new ObjectMetadata(o.content() == null ? 0 : o.content().length, Instant.EPOCH,
                o.token(), null));
    }

    @Override
    public String location() {
        return "memory://bench";
    }
}
