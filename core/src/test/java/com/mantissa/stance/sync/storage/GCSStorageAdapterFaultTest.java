package com.mantissa.stance.sync.storage;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import com.mantissa.stance.sync.testing.FaultServer;
import java.util.List;
import java.util.Map;

/** The fault contract through google-cloud-storage's JSON API client, with GCS's JSON error bodies. */
@org.junit.jupiter.api.Tag("slow")
class GCSStorageAdapterFaultTest extends StorageAdapterFaultContractTest {

    private static final String BUCKET = "fault-bucket";

    @Override
    protected StorageAdapter storeAt(String url, StorageTimeouts timeouts) {
        return new GCSStorageAdapter(BUCKET, GCSStorageAdapter.configure(StorageOptions.http(), timeouts)
                .setHost(url)
                .setProjectId("fault-project")
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService());
    }

    @Override
    protected void answer(FaultServer server, int status, String code) {
        server.answer(status, Map.of("Content-Type", "application/json"), error(status, code));
    }

    private static String error(int status, String reason) {
        return "{\"error\": {\"code\": " + status + ", \"message\": \"scripted " + reason + "\", \"errors\": [{"
                + "\"domain\": \"global\", \"reason\": \"" + reason + "\", \"message\": \"scripted " + reason + "\"}]}}";
    }

    @Override
    protected void answerObjectMissing(FaultServer server) {
        // The bucket lists (empty); the object itself is not found.
        server.answer(200, Map.of("Content-Type", "application/json"), "{\"kind\": \"storage#objects\"}");
        server.answerPathsEndingWith(KEY, 404, Map.of("Content-Type", "application/json"), error(404, "notFound"));
    }

    @Override
    protected List<String> transientCodes() {
        return List.of("backendError", "rateLimitExceeded", "internalError");
    }

    @Override
    protected String deniedCode() {
        return "forbidden";
    }

    @Override
    protected String missingContainerCode() {
        return "notFound";
    }

    @Override
    protected String containerName() {
        return BUCKET;
    }

    @Override
    protected String someToken() {
        return "7";
    }

    @Override
    protected List<String> secrets() {
        // Reached without credentials, as an emulator is: nothing secret is sent.
        return List.of("Authorization");
    }
}
