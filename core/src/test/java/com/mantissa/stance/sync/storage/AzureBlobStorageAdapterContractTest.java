package com.mantissa.stance.sync.storage;

import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract against Azurite, reached through AZURE_STORAGE_CONNECTION_STRING. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureBlobStorageAdapterContractTest extends StorageAdapterContractTest {

    private static final String CONTAINER = "stance-contract";

    /** The account name is ignored when a connection string is set, as in production. */
    private final StorageAdapter store = new AzureBlobStorageAdapter("ignored-account", CONTAINER);

    @BeforeAll
    static void createContainer(AzuriteServer azurite) {
        azurite.createContainer(CONTAINER);
    }

    @Override
    protected StorageAdapter store() {
        return store;
    }

    @Override
    protected StorageAdapter storeWithMissingContainer() {
        return new AzureBlobStorageAdapter("ignored-account", "missing-" + UUID.randomUUID());
    }

    @Override
    protected String expectedLocation() {
        return "az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER;
    }
}
