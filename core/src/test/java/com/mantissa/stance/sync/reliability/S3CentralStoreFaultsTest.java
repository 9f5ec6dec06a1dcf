package com.mantissa.stance.sync.reliability;

import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.MotoServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The central-store fault scenarios against moto, reached through {@code AWS_ENDPOINT_URL_S3}. */
@ExtendWith(Emulators.class)
class S3CentralStoreFaultsTest extends CentralStoreFaultsContractTest {

    private static MotoServer moto;

    @BeforeAll
    static void start(MotoServer server) {
        moto = server;
    }

    @Override
    protected String createCentral(String name) {
        moto.createBucket(name);
        return "s3://" + name;
    }

    @Override
    protected StorageAdapter direct(String name) {
        return new S3StorageAdapter(name);
    }

    @Override
    protected String upstream() {
        return moto.endpoint();
    }

    @Override
    protected Map<String, String> environmentThrough(FaultInjectingProxy proxy) {
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint());
        return env;
    }

    @Override
    protected String provider() {
        return "aws";
    }

    @Override
    protected int[] transientScanSize() {
        return new int[] {1000, 200};
    }

    @Override
    protected int[] dyingScanSize() {
        return new int[] {10_000, 1_000};
    }
}
