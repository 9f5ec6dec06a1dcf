package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An AWS spoke whose central store lives on another cloud: S3 event on moto, records into Azurite or the GCS backend. */
@ExtendWith(Emulators.class)
class AwsCrossCloudTest {

    private static MotoServer moto;
    private static AzuriteServer azurite;
    private static GcsServer gcs;

    @BeforeAll
    static void startEmulators(MotoServer s3, AzuriteServer blob, GcsServer google) {
        moto = s3;
        azurite = blob;
        gcs = google;
    }

    @Test
    void s3EventPushesIntoAnAzureCentralExactlyAsIntoS3() {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        azurite.createContainer("central-from-aws");
        String central = "az://" + AzuriteServer.ACCOUNT + "/central-from-aws";
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

        assertEquals(2, context.invocations().size());
        context.invocations().forEach(line -> assertEquals("succeeded", line.get("outcome"), line.toString()));
        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
    }

    @Test
    void s3EventPushesIntoAGcsCentralExactlyAsIntoS3() {
        AwsFixtures.putVisibleScan(moto, "stance", "snap:1");
        gcs.createBucket("central-from-aws");
        String central = "gs://central-from-aws";
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new S3EventHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadS3Event("events/s3-put-encoded-keys.json"), context);

        assertEquals(2, context.invocations().size());
        context.invocations().forEach(line -> assertEquals("succeeded", line.get("outcome"), line.toString()));
        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
    }
}
