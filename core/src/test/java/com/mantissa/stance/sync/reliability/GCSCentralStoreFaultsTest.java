package com.mantissa.stance.sync.reliability;

import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.GcsServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The central-store fault scenarios against the GCS JSON API fake, reached through
 * {@code STORAGE_EMULATOR_HOST}, which names the proxy.
 */
@ExtendWith(Emulators.class)
class GCSCentralStoreFaultsTest extends CentralStoreFaultsContractTest {

    private static GcsServer gcs;

    @BeforeAll
    static void start(GcsServer server) {
        gcs = server;
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

    @Override
    protected int[] transientScanSize() {
        return new int[] {400, 100};
    }

    @Override
    protected int[] dyingScanSize() {
        return new int[] {3_000, 500};
    }
}
