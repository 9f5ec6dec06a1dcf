package com.mantissa.stance.sync.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store that counts the requests made through it by kind ({@link RequestCounts}), before
 * each call, so a failed or retried attempt counts too. Thread-safe; adds one counter
 * increment per call.
 */
public final class CountingStore implements StorageAdapter, StreamingUpload {
    private final StorageAdapter store;
    private final LongAdder reads = new LongAdder();
    private final LongAdder conditionalWrites = new LongAdder();
    private final LongAdder unconditionalWrites = new LongAdder();
    private final LongAdder lists = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder metadata = new LongAdder();

    public CountingStore(StorageAdapter store) {
        this.store = store;
    }

    /** The counts so far. */
    public RequestCounts counts() {
        return new RequestCounts(reads.sum(), conditionalWrites.sum(), unconditionalWrites.sum(), lists.sum(),
                deletes.sum(), metadata.sum());
    }

    /** The store underneath. */
    public StorageAdapter store() {
        return store;
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        (condition == WriteCondition.NONE ? unconditionalWrites : conditionalWrites).increment();
        return store.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        reads.increment();
        return store.readRecord(path);
    }

    @Override
    public InputStream openStream(String path) {
        reads.increment();
        return store.openStream(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        lists.increment();
        return store.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        deletes.increment();
        store.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        metadata.increment();
        return store.getMetadata(path);
    }

    /**
     * The store's own streaming upload, counted as one unconditional write (a multipart upload
     * is several requests on the wire; the engine cannot see them).
     */
    @Override
    public String uploadFile(String key, java.nio.file.Path file) {
        unconditionalWrites.increment();
        return StreamingUpload.upload(store, key, file);
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public void close() {
        store.close();
    }
}
