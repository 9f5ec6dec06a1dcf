package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the store requests an engine makes, over a real store. */
class CountingStore extends FaultInjectingStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();

    CountingStore(StorageAdapter delegate) {
        super(delegate, Fault.NONE);
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        writes.incrementAndGet();
        return super.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        reads.incrementAndGet();
        return super.readRecord(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        lists.incrementAndGet();
        return super.listRecords(prefix);
    }

    int requests() {
        return reads.get() + writes.get() + lists.get();
    }

    void reset() {
        reads.set(0);
        writes.set(0);
        lists.set(0);
    }
}
