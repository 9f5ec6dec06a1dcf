package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The 1 GB row's central: the push index and status objects (keys under {@code _state/}) are
 * kept in a {@link MemoryStore}, and record writes are counted, answered with an etag-sized
 * token and not remembered at all. A map of 708,000 record keys would take about 150 MB of the
 * same heap the engine is measured in, which a remote store never costs a push; without it the
 * row's peak memory is the engine's own. Records are never read back in that row: the first push
 * creates them, and the unchanged re-push skips every line by the index.
 */
final class RecordSinkStore implements StorageAdapter {
    private final MemoryStore state = new MemoryStore(true);
    private final AtomicLong recordWrites = new AtomicLong();
    private final AtomicLong recordOther = new AtomicLong();

    private static boolean state(String path) {
        return path.contains("_state/");
    }

    /** Calls made so far, of any kind. */
    long requests() {
        return state.requests() + recordWrites.get() + recordOther.get();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        if (state(path)) {
            return state.writeRecord(path, content, condition);
        }
        long n = recordWrites.incrementAndGet();
        return String.format("\"%032x\"", n);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        if (state(path)) {
            return state.readRecord(path);
        }
        recordOther.incrementAndGet();
        return Optional.empty();
    }

    @Override
    public List<String> listRecords(String prefix) {
        recordOther.incrementAndGet();
        return state.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        if (state(path)) {
            state.deleteRecord(path);
        } else {
            recordOther.incrementAndGet();
        }
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        if (state(path)) {
            return state.getMetadata(path);
        }
        recordOther.incrementAndGet();
        return Optional.empty();
    }

    @Override
    public String location() {
        return "memory://record-sink";
    }
}
