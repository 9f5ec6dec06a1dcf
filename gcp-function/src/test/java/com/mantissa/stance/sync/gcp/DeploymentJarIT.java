package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The artifact that is deployed, not the build's classpath: the invoker loads the functions from
 * nothing but the uber JAR in target/deployment (what {@code gcloud functions deploy --source}
 * uploads), so a dependency missing from the JAR or a ServiceLoader file lost by shading fails here.
 * Run by failsafe after {@code package}: {@code mvn -pl gcp-function -am verify}.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
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
    void deploymentJarRunsTheScheduledCatchUp(GcsServer gcs) {
        String spoke = "gcp-jar-spoke";
        String central = "gcp-jar-central";
        gcs.createBucket(spoke);
        gcs.createBucket(central);
        try (GCSStorageAdapter source = new GCSStorageAdapter(spoke)) {
            source.writeRecord("stance/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"), WriteCondition.NONE);
            source.writeRecord("stance/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"), WriteCondition.NONE);
        }
        Map<String, String> env = new HashMap<>(gcs.environment());
        env.put("STANCE_CENTRAL_URI", "gs://" + central);
        env.put("STANCE_SOURCES", "gs://" + spoke + "/stance|" + VisibleVectors.ACCOUNT + "|" + VisibleVectors.PROVIDER);

        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.startFromJar(JAR, ScheduledSyncFunction.class, env)) {
            HttpResponse<String> response = invoker.post(
                    FunctionsFrameworkInvoker.pubsubEventAttributes("hub-project", "stance-sync-schedule", "jar-1"),
                    "{\"message\": {\"data\": \"dGljaw==\", \"messageId\": \"jar-1\", \"publishTime\": \"2026-11-25T09:00:00Z\"},"
                            + " \"subscription\": \"projects/hub-project/subscriptions/s\"}");
            assertEquals(200, response.statusCode(), invoker.output());
        }
        try (GCSStorageAdapter store = new GCSStorageAdapter(central)) {
            VisibleVectors.assertCentralMatches(store);
        }
    }

    /**
     * The JAR carries only Google's SDKs: an S3 central is one ERROR line naming the build flag
     * that adds the AWS SDK, acknowledged (200: no redelivery can fix a build).
     */
    @Test
    void anS3CentralIsOneErrorNamingTheBuildFlag(GcsServer gcs) {
        String scans = "gcp-jar-scans-s3";
        gcs.createBucket(scans);
        String name = "stance/findings/20261125-090000/findings.jsonl";
        try (GCSStorageAdapter source = new GCSStorageAdapter(scans)) {
            source.writeRecord(name, VisibleVectors.scanFile("findings.jsonl"), WriteCondition.NONE);
        }
        Map<String, String> env = new HashMap<>(gcs.environment());
        env.put("STANCE_CENTRAL_URI", "s3://gcp-jar-s3-central");
        env.put("STANCE_ACCOUNT_ID", VisibleVectors.ACCOUNT);

        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.startFromJar(JAR, StorageObjectFinalizedFunction.class, env)) {
            HttpResponse<String> response = invoker.post(
                    FunctionsFrameworkInvoker.storageEventAttributes("google.cloud.storage.object.v1.finalized", scans, name, "jar-s3-1"),
                    "{\"kind\": \"storage#object\", \"bucket\": \"" + scans + "\", \"name\": \"" + name + "\", \"generation\": \"1\"}");
            assertEquals(200, response.statusCode(), invoker.output());
            List<String> lines = invoker.jsonLines();
            assertEquals(1, lines.size(), invoker.output());
            Map<String, Object> line = JsonParser.parseObject(lines.get(0));
            assertEquals("ERROR", line.get("severity"));
            assertEquals(Boolean.FALSE, line.get("redeliver"));
            @SuppressWarnings("unchecked")
            List<Object> errors = (List<Object>) ((Map<String, Object>) line.get("result")).get("errors");
            assertEquals(1, errors.size(), errors.toString());
            String error = String.valueOf(errors.get(0));
            assertTrue(error.startsWith("s3://gcp-jar-s3-central needs the Amazon S3 adapter"), error);
            assertTrue(error.contains("rebuild the function with the Maven flag -Pwith-aws (or -Pall-clouds)"), error);
            assertFalse(invoker.output().contains("NoClassDefFoundError"), invoker.output());
        }
    }
}
