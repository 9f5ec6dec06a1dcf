package com.mantissa.stance.sync.reliability;

import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.GcsServer;
import java.util.Map;

/**
 * The central-store fault scenarios against the GCS JSON API fake, reached through
 * {@code STORAGE_EMULATOR_HOST}, which names the proxy.
 */
@org.junit.jupiter.api.Tag("slow")
class GCSCentralStoreFaultsTest extends CentralStoreFaultsContractTest {

    private final GcsServer gcs;

    GCSCentralStoreFaultsTest(GcsServer gcs) {
        this.gcs = gcs;
    }

    @Override
    protected String createCentral(String name) {
        gcs.createBucket(name);
        return "gs://" + name;
    }

    @Override
    protected StorageAdapter direct(String name) {
        return new GCSStorageAdapter(name);
    }

    @Override
    protected String upstream() {
        return gcs.endpoint();
    }

    @Override
    protected Map<String, String> environmentThrough(FaultInjectingProxy proxy) {
        return Map.of(GcsServer.EMULATOR_HOST, proxy.endpoint());
    }

    @Override
    protected String provider() {
        return "gcp";
    }
}
