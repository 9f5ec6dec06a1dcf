package com.mantissa.stance.sync.storage;

/**
 * A key this store cannot hold: longer than its limit, or unsafe for it. It concerns one
 * record, not the store, so the engine reports it against that record and carries on.
 */
public class InvalidKeyException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyException(String message) {
        super(message, null);
    }
}
