package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another one; a test overrides only the calls it watches,
 * delays or holds back. The interface's default methods are left as they are, so they reach
 * the delegate through the overridable calls.
 */
public abstract class ForwardingStore implements StorageAdapter {
    protected final StorageAdapter delegate;

    protected ForwardingStore(StorageAdapter delegate) {
        this.delegate = delegate;
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        return delegate.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
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
