package com.mantissa.stance.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a folder. */
class LocalStorageAdapterContractTest extends StorageAdapterContractTest {

    @TempDir
    static Path root;

    private StorageAdapter store;

    @Override
    protected StorageAdapter store() {
        if (store == null) {
            store = new LocalStorageAdapter(root.resolve("central"));
        }
        return store;
    }

    /**
     * A folder store creates its folders on first write, so an absent root is an empty store;
     * the unusable counterpart of a missing bucket is a root that is a regular file.
     */
    @Override
    protected StorageAdapter storeWithMissingContainer() {
        try {
            Path file = Files.createTempFile(root, "not-a-folder", ".txt");
            return new LocalStorageAdapter(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean limitsEachName() {
        return true;
    }

    @Override
    protected String expectedLocation() {
        return root.resolve("central").toAbsolutePath().normalize().toUri().toString();
    }
}
