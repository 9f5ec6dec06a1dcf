package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.testing.ForwardingStore;
import java.util.Optional;

/** A decorator over a real store that injects failures, to pin how the engine reacts to them. */
public class FaultInjectingStore extends ForwardingStore {
    public enum Fault { NONE, TRANSIENT_READS }

    private final Fault fault;

    public FaultInjectingStore(StorageAdapter delegate, Fault fault) {
        super(delegate);
        this.fault = fault;
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        if (fault == Fault.TRANSIENT_READS) {
            throw new TransientStorageException("503 SlowDown (injected)", null);
        }
        return delegate.readRecord(path);
    }
}
