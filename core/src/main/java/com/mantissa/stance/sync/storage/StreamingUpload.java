package com.mantissa.stance.sync.storage;

import java.nio.file.Path;

/**
 * A store that can take an object from a file without holding it in memory: what an export's
 * multi-hundred-megabyte {@code findings.jsonl} needs, since {@link StorageAdapter#writeRecord}
 * takes the whole content as one array.
 */
public interface StreamingUpload {

    /**
     * Writes the file's bytes at {@code key}, unconditionally, replacing any object there.
     *
     * @return the new version token
     */
    String uploadFile(String key, Path file);

    /**
     * Uploads {@code file} to {@code store} with the store's streaming upload; a folder store
     * moves a copy into place atomically; any other store gets the content as one array.
     */
    static String upload(StorageAdapter store, String key, Path file) {
        if (store instanceof StreamingUpload streaming) {
            return streaming.uploadFile(key, file);
        }
        if (store instanceof LocalStorageAdapter local) {
            return LocalFileUpload.upload(local, key, file);
        }
        try {
            return store.writeRecord(key, java.nio.file.Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            throw new PermanentStorageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
