package com.mantissa.stance.sync.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file copied into a folder store the way {@link LocalStorageAdapter} writes: to a hidden
 * temporary file next to the target (never listed), then renamed into place, so a reader sees
 * the old object or the whole new one.
 */
final class LocalFileUpload {
    private LocalFileUpload() {
    }

    static String upload(LocalStorageAdapter store, String key, Path file) {
        Path target = store.resolve(key);
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file, temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The folder store's own version token, as a read of the file would give it.
            return store.getMetadata(key).map(ObjectMetadata::etag)
                    .orElseThrow(() -> new TransientStorageException(key + " in " + store.location()
                            + " vanished right after it was written", null));
        } catch (IOException e) {
            throw new PermanentStorageException("write of '" + key + "' in " + store.location() + " failed: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // A stray temp file is never listed as a record.
            }
        }
    }
}
