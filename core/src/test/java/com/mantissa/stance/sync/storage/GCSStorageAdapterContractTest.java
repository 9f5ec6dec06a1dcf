package com.mantissa.stance.sync.storage;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract against the GCS JSON API fake, through the real client and
 * {@code STORAGE_EMULATOR_HOST}.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GCSStorageAdapterContractTest extends StorageAdapterContractTest {

    private static final String BUCKET = "stance-contract";

    private final StorageAdapter store = new GCSStorageAdapter(BUCKET);

    @BeforeAll
    static void createBucket(GcsServer gcs) {
        gcs.createBucket(BUCKET);
    }

    @Override
    protected StorageAdapter store() {
        return store;
    }

    @Override
    protected StorageAdapter storeWithMissingContainer() {
        return new GCSStorageAdapter("missing-" + UUID.randomUUID());
    }

    @Override
    protected String expectedLocation() {
        return "gs://" + BUCKET;
    }
}
