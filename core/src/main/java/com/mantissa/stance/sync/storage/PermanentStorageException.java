package com.mantissa.stance.sync.storage;

/** Denied (403), invalid request or any other failure that repeating will not fix. */
public class PermanentStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    public PermanentStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
