package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only the GCP handler does (the rest is {@link GcpHandlerContractTest}): the account is the
 * project the function runs in when STANCE_ACCOUNT_ID is unset, and object names arrive raw.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GcpStorageObjectFinalizedFunctionTest {
    private static final String SCANS = "gcp-push-scans";
    private static final String CENTRAL = "gcp-push-central";
    private static final AtomicInteger EVENT_IDS = new AtomicInteger();

    private static FunctionsFrameworkInvoker intoGcs;

    @BeforeAll
    static void deploy(GcsServer gcs) {
        gcs.createBucket(SCANS);
        gcs.createBucket(CENTRAL);
        Map<String, String> env = new HashMap<>(gcs.environment());
        env.put("STANCE_CENTRAL_URI", "gs://" + CENTRAL);
        env.put("GOOGLE_CLOUD_PROJECT", VisibleVectors.ACCOUNT);
        intoGcs = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, env);
    }

    @AfterAll
    static void undeploy() {
        if (intoGcs != null) {
            intoGcs.close();
        }
    }

    @Test
    void finalizedScanFilesPushUnderTheProjectIntoGcsCentral() {
        String findings = upload("visible stance/findings/20261125-090000/findings.jsonl",
                VisibleVectors.scanFile("findings.jsonl"));
        String assets = upload("visible stance/assets/20261125-090000/assets.jsonl",
                VisibleVectors.scanFile("assets.jsonl"));

        JsonNode findingsLine = finalize(findings);
        JsonNode assetsLine = finalize(assets);

        assertEquals("INFO", findingsLine.get("severity").asText());
        assertEquals("succeeded", findingsLine.get("outcome").asText());
        assertEquals("gs://" + SCANS + "/" + findings, findingsLine.get("objects").get(0).asText());
        assertEquals(VisibleVectors.ACCOUNT, findingsLine.get("account").asText());
        assertEquals(40, findingsLine.get("result").get("records_synced").asInt());
        assertEquals(12, assetsLine.get("result").get("records_synced").asInt());
        try (GCSStorageAdapter central = new GCSStorageAdapter(CENTRAL)) {
            VisibleVectors.assertCentralMatches(central, "gcp");
        }
    }

    /** Posts the finalized event Eventarc sends for {@code name}; expects 200 and one log line. */
    private static JsonNode finalize(String name) {
        int before = intoGcs.jsonLines().size();
        HttpResponse<String> response = intoGcs.post(FunctionsFrameworkInvoker.storageEventAttributes(
                StorageObjectFinalizedFunction.FINALIZED, SCANS, name, "gcs-event-" + EVENT_IDS.incrementAndGet()),
                FunctionsFrameworkInvoker.storageObjectData(SCANS, name));
        assertEquals(200, response.statusCode(), intoGcs.output());
        List<String> lines = intoGcs.jsonLines();
        assertEquals(before + 1, lines.size(), "exactly one log line per invocation:\n" + intoGcs.output());
        JsonNode line = EventJson.parse(lines.get(lines.size() - 1));
        assertFalse(line.get("message").asText().isEmpty(), "Cloud Logging reads 'message'");
        return line;
    }

    private static String upload(String name, byte[] content) {
        try (GCSStorageAdapter scans = new GCSStorageAdapter(SCANS)) {
            scans.writeRecord(name, content, WriteCondition.NONE);
        }
        return name;
    }
}
