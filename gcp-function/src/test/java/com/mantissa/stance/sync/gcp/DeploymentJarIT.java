package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The artifact that is deployed, not the build's classpath: the invoker loads the functions from
 * nothing but the uber JAR in target/deployment (what {@code gcloud functions deploy --source}
 * uploads), so a dependency missing from the JAR or a ServiceLoader file lost by shading fails here.
 * Run by failsafe after {@code package}: {@code mvn -pl gcp-function -am verify}.
 */
@ExtendWith(Emulators.class)
class DeploymentJarIT {
    private static final Path JAR = Paths.get(System.getProperty("stance.gcp.deploymentJar", "missing"));

    @Test
    void deploymentJarRunsTheScheduledCatchUp(MotoServer moto) {
        String spoke = "gcp-jar-spoke";
        String central = "gcp-jar-central";
        moto.createBucket(spoke);
        moto.createBucket(central);
        moto.setupClient().putObject(b -> b.bucket(spoke).key("stance/findings.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("findings.jsonl")));
        moto.setupClient().putObject(b -> b.bucket(spoke).key("stance/assets.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("assets.jsonl")));
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("STANCE_CENTRAL_URI", "s3://" + central);
        env.put("STANCE_SOURCES", "s3://" + spoke + "/stance|" + VisibleVectors.ACCOUNT + "|" + VisibleVectors.PROVIDER);

        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.startFromJar(JAR, ScheduledSyncFunction.class, env)) {
            HttpResponse<String> response = invoker.post(
                    FunctionsFrameworkInvoker.pubsubEventAttributes("hub-project", "stance-sync-schedule", "jar-1"),
                    "{\"message\": {\"data\": \"dGljaw==\", \"messageId\": \"jar-1\", \"publishTime\": \"2026-11-25T09:00:00Z\"},"
                            + " \"subscription\": \"projects/hub-project/subscriptions/s\"}");
            assertEquals(200, response.statusCode(), invoker.output());
        }
        try (S3StorageAdapter store = new S3StorageAdapter(central)) {
            VisibleVectors.assertCentralMatches(store);
        }
    }
}
