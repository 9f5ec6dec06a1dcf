package com.mantissa.stance.sync.reliability;

import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.MotoServer;
import java.util.HashMap;
import java.util.Map;

/** The central-store fault scenarios against moto, reached through {@code AWS_ENDPOINT_URL_S3}. */
@org.junit.jupiter.api.Tag("slow")
class S3CentralStoreFaultsTest extends CentralStoreFaultsContractTest {

    private final MotoServer moto;

    S3CentralStoreFaultsTest(MotoServer moto) {
        this.moto = moto;
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
}
