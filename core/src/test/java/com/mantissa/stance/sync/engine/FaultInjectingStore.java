package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import java.util.Optional;

/** A decorator over a real store that injects failures, to pin how the engine reacts to them. */
public class FaultInjectingStore implements StorageAdapter {
    public enum Fault { NONE, TRANSIENT_READS }

    final StorageAdapter delegate;
    private final Fault fault;

    public FaultInjectingStore(StorageAdapter delegate, Fault fault) {
        this.delegate = delegate;
        this.fault = fault;
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        return delegate.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        if (fault == Fault.TRANSIENT_READS) {
            throw new TransientStorageException("503 SlowDown (injected)", null);
        }
        return delegate.readRecord(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        return delegate.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        delegate.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        return delegate.getMetadata(path);
    }

    @Override
    public String location() {
        return delegate.location();
    }
}
