package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the requests per key over a real (in-memory) store; can fail writes transiently. */
final class KeyCountingStore extends ForwardingStore {
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private String failPrefix;
    private String failContaining;

    KeyCountingStore(StorageAdapter delegate) {
        super(delegate);
    }

    void failWritesUnder(String prefix, String containing) {
        this.failPrefix = prefix;
        this.failContaining = containing;
    }

    int reads(String prefix) {
        return count("read", prefix);
    }

    int writes(String prefix) {
        return count("write", prefix);
    }

    private int count(String op, String prefix) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(op + " " + prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    private void note(String op, String path) {
        log.add(op + " " + path);
        counts.computeIfAbsent(op + " " + path, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        note("write", path);
        if (failPrefix != null && path.startsWith(failPrefix) && path.contains(failContaining)) {
            throw new TransientStorageException("injected 503 writing " + path, null);
        }
        return delegate.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        note("read", path);
        return delegate.readRecord(path);
    }

    @Override
    public InputStream openStream(String path) {
        note("read", path);
        return delegate.openStream(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        note("list", prefix);
        return delegate.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        note("delete", path);
        delegate.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        note("metadata", path);
        return delegate.getMetadata(path);
    }

    @Override
    public String location() {
        return "s3://central";
    }
}
