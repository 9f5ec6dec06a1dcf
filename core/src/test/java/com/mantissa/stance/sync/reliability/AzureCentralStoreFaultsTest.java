package com.mantissa.stance.sync.reliability;

import com.mantissa.stance.sync.storage.AzureBlobStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import java.util.Map;

/**
 * The central-store fault scenarios against Azurite: the connection string's
 * {@code BlobEndpoint} names the proxy, exactly as it would name Azure.
 */
@org.junit.jupiter.api.Tag("slow")
class AzureCentralStoreFaultsTest extends CentralStoreFaultsContractTest {

    private final AzuriteServer azurite;

    AzureCentralStoreFaultsTest(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    @Override
    protected String createCentral(String name) {
        azurite.createContainer(name);
        return "az://" + AzuriteServer.ACCOUNT + "/" + name;
    }

    @Override
    protected StorageAdapter direct(String name) {
        return new AzureBlobStorageAdapter(AzuriteServer.ACCOUNT, name);
    }

    @Override
    protected String upstream() {
        return azurite.blobEndpoint().substring(0, azurite.blobEndpoint().lastIndexOf('/'));
    }

    @Override
    protected Map<String, String> environmentThrough(FaultInjectingProxy proxy) {
        return Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString().replace(upstream(), proxy.endpoint()));
    }

    @Override
    protected String provider() {
        return "azure";
    }
}
