package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
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
    void deploymentJarRunsTheStorageTriggeredPush(GcsServer gcs) {
        String scans = "gcp-jar-scans";
        String central = "gcp-jar-gcs-central";
        gcs.createBucket(scans);
        gcs.createBucket(central);
        String name = "stance/findings/20261125-090000/findings.jsonl";
        try (GCSStorageAdapter source = new GCSStorageAdapter(scans)) {
            source.writeRecord(name, VisibleVectors.scanFile("findings.jsonl"), WriteCondition.NONE);
        }
        Map<String, String> env = new HashMap<>(gcs.environment());
        env.put("STANCE_CENTRAL_URI", "gs://" + central);
        env.put("STANCE_ACCOUNT_ID", VisibleVectors.ACCOUNT);

        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.startFromJar(JAR, StorageObjectFinalizedFunction.class, env)) {
            HttpResponse<String> response = invoker.post(
                    FunctionsFrameworkInvoker.storageEventAttributes("google.cloud.storage.object.v1.finalized", scans, name, "jar-gcs-1"),
                    "{\"kind\": \"storage#object\", \"bucket\": \"" + scans + "\", \"name\": \"" + name + "\", \"generation\": \"1\"}");
            assertEquals(200, response.statusCode(), invoker.output());
        }
        try (GCSStorageAdapter store = new GCSStorageAdapter(central)) {
            for (VisibleVectors.Expected expected : VisibleVectors.expected()) {
                if (expected.kind().equals("finding")) {
                    assertTrue(store.readRecord(expected.path()).isPresent(), expected.path());
                }
            }
        }
    }

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
