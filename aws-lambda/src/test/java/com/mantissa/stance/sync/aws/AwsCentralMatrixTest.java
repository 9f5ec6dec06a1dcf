package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The AWS row of the 3×3 matrix: an S3 event for the visible scan on moto, pushed by the
 * Lambda handler into a central store of each kind, lands with the original's paths and
 * checksums.
 */
@ExtendWith(Emulators.class)
class AwsCentralMatrixTest {

    private static MotoServer moto;
    private static CentralStores centrals;

    @BeforeAll
    static void startEmulators(MotoServer s3, GcsServer gcs, AzuriteServer azurite) {
        moto = s3;
        centrals = new CentralStores(s3, gcs, azurite);
    }

    @ParameterizedTest
    @EnumSource(CentralStores.Kind.class)
    void s3EventPushesTheVisibleScanIntoEveryKindOfCentral(CentralStores.Kind kind) {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        String central = centrals.create(kind, "matrix-aws-" + kind.name().toLowerCase(Locale.ROOT));
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

        assertEquals(2, context.invocations().size());
        context.invocations().forEach(line -> assertEquals("succeeded", line.get("outcome"), line.toString()));
        VisibleVectors.assertCentralMatches(centrals.open(central), "aws");
    }
}
