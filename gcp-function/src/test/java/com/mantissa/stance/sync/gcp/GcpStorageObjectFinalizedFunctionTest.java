package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.HostileScan;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The storage-finalized function through the real Functions Framework invoker: CloudEvents in
 * binary mode with the data Cloud Storage sends, scans in a GCS bucket (the GCS JSON API fake,
 * reached through STORAGE_EMULATOR_HOST), central in GCS, in S3 on moto (cross-cloud), and in an
 * S3 endpoint that is down (transient failure).
 */
@ExtendWith(Emulators.class)
class GcpStorageObjectFinalizedFunctionTest {
    private static final String SCANS = "gcp-push-scans";
    private static final String CENTRAL = "gcp-push-central";
    private static final String S3_CENTRAL = "gcp-push-s3-central";
    private static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
    private static final AtomicInteger EVENT_IDS = new AtomicInteger();

    private static FunctionsFrameworkInvoker intoGcs;
    private static FunctionsFrameworkInvoker intoS3;
    private static FunctionsFrameworkInvoker intoDeadS3;
    private static FunctionsFrameworkInvoker withoutAccount;

    private static CentralStores centrals;

    @BeforeAll
    static void deploy(GcsServer gcs, MotoServer moto, AzuriteServer azurite) {
        centrals = new CentralStores(moto, gcs, azurite);
        gcs.createBucket(SCANS);
        gcs.createBucket(CENTRAL);
        moto.createBucket(S3_CENTRAL);

        // The account comes from the project, as it would for a spoke that sets no STANCE_ACCOUNT_ID.
        Map<String, String> gcsCentral = new HashMap<>(gcs.environment());
        gcsCentral.put("STANCE_CENTRAL_URI", "gs://" + CENTRAL);
        gcsCentral.put("GOOGLE_CLOUD_PROJECT", VisibleVectors.ACCOUNT);
        intoGcs = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, gcsCentral);

        Map<String, String> s3Central = new HashMap<>(gcs.environment());
        s3Central.putAll(moto.environment());
        s3Central.put("STANCE_CENTRAL_URI", "s3://" + S3_CENTRAL + "/aggregated");
        s3Central.put("STANCE_ACCOUNT_ID", VisibleVectors.ACCOUNT);
        intoS3 = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, s3Central);

        Map<String, String> deadCentral = new HashMap<>(s3Central);
        deadCentral.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + closedPort());
        intoDeadS3 = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, deadCentral);

        Map<String, String> noAccount = new HashMap<>(gcs.environment());
        noAccount.put("STANCE_CENTRAL_URI", "gs://" + CENTRAL);
        withoutAccount = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, noAccount);
    }

    @AfterAll
    static void undeploy() {
        for (FunctionsFrameworkInvoker invoker : new FunctionsFrameworkInvoker[] {intoGcs, intoS3, intoDeadS3, withoutAccount}) {
            if (invoker != null) {
                invoker.close();
            }
        }
    }

    @Test
    void finalizedScanFilesPushTheirRecordsIntoGcsCentral() {
        String findings = upload("visible/stance/findings/20261125-090000/findings.jsonl",
                VisibleVectors.scanFile("findings.jsonl"));
        String assets = upload("visible/stance/assets/20261125-090000/assets.jsonl",
                VisibleVectors.scanFile("assets.jsonl"));

        Map<String, Object> findingsLine = finalize(intoGcs, findings, 200);
        Map<String, Object> assetsLine = finalize(intoGcs, assets, 200);

        assertEquals("INFO", findingsLine.get("severity"));
        assertEquals("succeeded", findingsLine.get("outcome"));
        assertEquals("gs://" + SCANS + "/" + findings, findingsLine.get("object"));
        assertEquals(40L, result(findingsLine).get("records_synced"));
        assertEquals(12L, result(assetsLine).get("records_synced"));
        try (GCSStorageAdapter central = new GCSStorageAdapter(CENTRAL)) {
            VisibleVectors.assertCentralMatches(central, "gcp");
        }
    }

    @Test
    void finalizedScanFileInGcsPushesIntoS3Central() {
        // Object names reach the store as GCS sends them: raw, not URL-encoded.
        String findings = upload("cross cloud/stance/findings/20261125-090000/findings.jsonl",
                VisibleVectors.scanFile("findings.jsonl"));
        String assets = upload("cross cloud/stance/assets/20261125-090000/assets.jsonl",
                VisibleVectors.scanFile("assets.jsonl"));

        assertEquals("succeeded", finalize(intoS3, findings, 200).get("outcome"));
        assertEquals("succeeded", finalize(intoS3, assets, 200).get("outcome"));

        try (S3StorageAdapter central = new S3StorageAdapter(S3_CENTRAL)) {
            VisibleVectors.assertCentralMatches(central, "gcp");
        }
    }

    /**
     * The GCP row of the 3×3 matrix: the visible scan finalized in GCS, pushed through the
     * invoker into a central store of each kind, lands with the original's paths and checksums.
     */
    @ParameterizedTest
    @EnumSource(CentralStores.Kind.class)
    void finalizedScanPushesIntoEveryKindOfCentral(CentralStores.Kind kind) {
        String central = centrals.create(kind, "matrix-gcp-" + kind.name().toLowerCase(Locale.ROOT));
        Map<String, String> env = new HashMap<>(centrals.environment());
        env.put("STANCE_CENTRAL_URI", central);
        env.put("STANCE_ACCOUNT_ID", VisibleVectors.ACCOUNT);
        String findings = upload("matrix/stance/findings/20261125-090000/findings.jsonl",
                VisibleVectors.scanFile("findings.jsonl"));
        String assets = upload("matrix/stance/assets/20261125-090000/assets.jsonl",
                VisibleVectors.scanFile("assets.jsonl"));

        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, env)) {
            assertEquals("succeeded", finalize(invoker, findings, 200).get("outcome"));
            assertEquals("succeeded", finalize(invoker, assets, 200).get("outcome"));
        }

        VisibleVectors.assertCentralMatches(centrals.open(central), "gcp");
    }

    @Test
    void objectThatIsNotAScanFileIsIgnoredAndWritesNothing() {
        String manifest = upload("ignored/stance/snapshots/manifest.json",
                "{\"snapshots\": [{\"id\": \"20261125-090000\"}]}".getBytes(StandardCharsets.UTF_8));
        List<String> before = centralKeys();

        Map<String, Object> line = finalize(intoGcs, manifest, 200);

        assertEquals("DEBUG", line.get("severity"));
        assertEquals("ignored", line.get("outcome"));
        assertEquals(before, centralKeys());
    }

    @Test
    void hostileLinesAreErrorsNamingFileAndLineWhileGoodRecordsSyncWithoutRetry() {
        String central = centrals.create(CentralStores.Kind.GCS, "gcp-hostile-central");
        Map<String, String> env = new HashMap<>(centrals.environment());
        env.put("STANCE_CENTRAL_URI", central);
        env.put("STANCE_ACCOUNT_ID", VisibleVectors.ACCOUNT);
        String scan = upload("hostile/stance/findings/20261125-090000/findings.jsonl", HostileScan.findings());

        Map<String, Object> line;
        try (FunctionsFrameworkInvoker invoker = FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, env)) {
            // Bad input is permanent: acknowledged (2xx), so Eventarc does not redeliver it for a day.
            line = finalize(invoker, scan, 200);
        }

        assertEquals("ERROR", line.get("severity"));
        assertEquals("failed", line.get("outcome"));
        assertEquals(Boolean.FALSE, line.get("retryable"));
        assertEquals((long) HostileScan.GOOD, result(line).get("records_synced"));
        HostileScan.assertErrors((List<?>) result(line).get("errors"));
        HostileScan.assertOnlyGoodRecords(centrals.open(central), "aggregated", VisibleVectors.ACCOUNT);
    }

    @Test
    void eventWithoutObjectNameIsRejectedWithoutRetry() {
        int before = intoGcs.jsonLines().size();

        HttpResponse<String> response = intoGcs.post(
                FunctionsFrameworkInvoker.storageEventAttributes(FINALIZED, SCANS, "", nextEventId()),
                "{\"kind\": \"storage#object\", \"bucket\": \"" + SCANS + "\"}");

        assertEquals(200, response.statusCode(), intoGcs.output());
        Map<String, Object> line = onlyLineSince(intoGcs, before);
        assertEquals("ERROR", line.get("severity"));
        assertEquals(Boolean.FALSE, line.get("retryable"));
    }

    @Test
    void pushWithoutAnyAccountSourceIsAPermanentErrorNamingTheVariable() {
        String scan = upload("no-account/stance/findings/20261125-090000/findings.jsonl",
                "{\"id\": \"gcp-no-account-1\"}\n".getBytes(StandardCharsets.UTF_8));
        List<String> before = centralKeys();

        // Neither STANCE_ACCOUNT_ID nor GOOGLE_CLOUD_PROJECT: no retry would help.
        Map<String, Object> line = finalize(withoutAccount, scan, 200);

        assertEquals("ERROR", line.get("severity"));
        assertEquals(Boolean.FALSE, line.get("retryable"));
        assertTrue(String.valueOf(result(line).get("errors")).contains("STANCE_ACCOUNT_ID"), line.toString());
        assertEquals(before, centralKeys());
    }

    @Test
    void unreachableCentralFailsTheInvocationSoEventarcRedelivers() {
        String scan = upload("dead/stance/findings/20261125-090000/findings.jsonl",
                "{\"id\": \"gcp-dead-central-1\"}\n".getBytes(StandardCharsets.UTF_8));

        // The invoker answers 500 when the function throws: that is what makes a retry-enabled trigger retry.
        Map<String, Object> line = finalize(intoDeadS3, scan, 500);

        assertEquals("ERROR", line.get("severity"));
        assertEquals(Boolean.TRUE, line.get("retryable"));
        assertEquals(0L, result(line).get("records_synced"));
    }

    /** Posts the finalized event Eventarc sends for {@code name} and returns the invocation's log line. */
    private static Map<String, Object> finalize(FunctionsFrameworkInvoker invoker, String name, int expectedStatus) {
        int before = invoker.jsonLines().size();
        String id = nextEventId();
        HttpResponse<String> response = invoker.post(
                FunctionsFrameworkInvoker.storageEventAttributes(FINALIZED, SCANS, name, id), storageObjectData(name));
        assertEquals(expectedStatus, response.statusCode(), invoker.output());
        return onlyLineSince(invoker, before);
    }

    /** StorageObjectData as Cloud Storage sends it (JSON API object resource; int64 fields as strings). */
    private static String storageObjectData(String name) {
        String generation = "1764061200" + String.format("%06d", EVENT_IDS.get());
        return "{\"kind\": \"storage#object\", \"id\": \"" + SCANS + "/" + name + "/" + generation + "\","
                + " \"selfLink\": \"https://www.googleapis.com/storage/v1/b/" + SCANS + "/o/" + name.replace("/", "%2F") + "\","
                + " \"name\": \"" + name + "\", \"bucket\": \"" + SCANS + "\", \"generation\": \"" + generation + "\","
                + " \"metageneration\": \"1\", \"contentType\": \"application/octet-stream\","
                + " \"timeCreated\": \"2026-11-25T09:00:00.000Z\", \"updated\": \"2026-11-25T09:00:00.000Z\","
                + " \"storageClass\": \"STANDARD\", \"timeStorageClassUpdated\": \"2026-11-25T09:00:00.000Z\","
                + " \"size\": \"1024\", \"md5Hash\": \"1B2M2Y8AsgTpgAmY7PhCfg==\", \"crc32c\": \"AAAAAA==\","
                + " \"etag\": \"CKih16GjycICEAE=\"}";
    }

    private static String upload(String name, byte[] content) {
        try (GCSStorageAdapter scans = new GCSStorageAdapter(SCANS)) {
            scans.writeRecord(name, content, WriteCondition.NONE);
        }
        return name;
    }

    private static List<String> centralKeys() {
        try (GCSStorageAdapter central = new GCSStorageAdapter(CENTRAL)) {
            List<String> keys = new ArrayList<>(central.listRecords("aggregated/findings/"));
            keys.addAll(central.listRecords("aggregated/assets/"));
            return keys;
        }
    }

    private static Map<String, Object> onlyLineSince(FunctionsFrameworkInvoker invoker, int before) {
        List<String> lines = invoker.jsonLines();
        assertEquals(before + 1, lines.size(), "exactly one log line per invocation:\n" + invoker.output());
        Map<String, Object> line = JsonParser.parseObject(lines.get(lines.size() - 1));
        assertFalse(String.valueOf(line.get("message")).isEmpty(), "Cloud Logging reads 'message'");
        return line;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(Map<String, Object> line) {
        return (Map<String, Object>) line.get("result");
    }

    private static String nextEventId() {
        return "gcs-event-" + EVENT_IDS.incrementAndGet();
    }

    /** A loopback port nothing listens on: the S3 endpoint of a store that is down. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
