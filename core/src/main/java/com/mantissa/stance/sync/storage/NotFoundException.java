package com.mantissa.stance.sync.storage;

/** The object, bucket or container does not exist (HTTP 404). */
public class NotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
