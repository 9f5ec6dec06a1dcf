package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import java.util.Optional;

/**
 * A store whose every call answers a fixed time later, as a store far away would, and costs no
 * CPU for it: what remains is the round trip alone, with none of moto's or the HTTP stack's CPU,
 * so the rows on it show what parallelism buys against latency on a machine too busy (or too
 * small) to keep moto out of the way.
 */
final class DelayedStore implements StorageAdapter {
    private final StorageAdapter inner;
    private final long delayMillis;

    DelayedStore(StorageAdapter inner, long delayMillis) {
        this.inner = inner;
        this.delayMillis = delayMillis;
    }

    private void roundTrip() {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        roundTrip();
        return inner.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        roundTrip();
        return inner.readRecord(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        roundTrip();
        return inner.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        roundTrip();
        inner.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        roundTrip();
        return inner.getMetadata(path);
    }

    @Override
    public String location() {
        return inner.location();
    }
}
