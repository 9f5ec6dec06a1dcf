package com.mantissa.stance.sync.storage;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract against moto, reached through the SDK's standard endpoint settings. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class S3StorageAdapterContractTest extends StorageAdapterContractTest {

    private static final String BUCKET = "stance-contract";

    private final StorageAdapter store = new S3StorageAdapter(BUCKET);

    @BeforeAll
    static void createBucket(MotoServer moto) {
        moto.createBucket(BUCKET);
    }

    @Override
    protected StorageAdapter store() {
        return store;
    }

    @Override
    protected StorageAdapter storeWithMissingContainer() {
        return new S3StorageAdapter("missing-" + UUID.randomUUID());
    }

    @Override
    protected String expectedLocation() {
        return "s3://" + BUCKET;
    }
}
