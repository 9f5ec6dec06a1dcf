package com.mantissa.stance.sync.storage;

/**
 * Base of the core's storage errors. Adapters translate every SDK failure into one of the
 * subclasses so that the engine can tell a missing object from a refused or failed call.
 */
public abstract class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
