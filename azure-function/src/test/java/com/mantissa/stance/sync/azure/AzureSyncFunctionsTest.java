package com.mantissa.stance.sync.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Drives the three functions the way the Functions host would: Event Grid documents as published
 * in Microsoft's "Azure Blob Storage as an Event Grid source" page (only the blob URL and the
 * subscription placeholder filled in), a blob trigger's metadata, a timer tick; source and
 * central containers on Azurite, one central bucket on moto.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureSyncFunctionsTest {

    private static final String SUBSCRIPTION = "5f2b3c4d-1e0a-4b7c-9d8e-0123456789ab";
    private static final String DOC_BLOB_URL = "https://my-storage-account.blob.core.windows.net/testcontainer/new-file.txt";
    private static final String DOC_DFS_URL = "https://my-storage-account.dfs.core.windows.net/my-file-system/new-file.txt";
    private static final String SNAPSHOT = "20261124-060000";
    private static final String FINDINGS_KEY = "scans/findings/" + SNAPSHOT + "/findings.jsonl";
    private static final String ASSETS_KEY = "scans/assets/" + SNAPSHOT + "/assets.jsonl";
    private static final int SCAN_FINDINGS = 11;
    private static final int SCAN_ASSETS = 5;
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private static AzuriteServer azurite;
    private static MotoServer moto;
    @BeforeAll
    static void startEmulators(AzuriteServer azuriteServer, MotoServer motoServer) {
        azurite = azuriteServer;
        moto = motoServer;
    }

    // ---------------------------------------------------------------------------------------
    // Event Grid
    // ---------------------------------------------------------------------------------------

    @Test
    void eventGridBlobCreatedForFindingsPushesTheSnapshotsFindingsIntoCentral() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");

        // The extension delivers one event object per invocation.
        String event = singleEvent(docEvent("blob-created-eventgrid-schema.json", productionUrl(source, FINDINGS_KEY)));
        functions(central).onEventGrid(event, context);

        List<String> findings = blobNames(central, "aggregated/findings/");
        assertEquals(SCAN_FINDINGS, findings.size(), "one record per finding: " + findings);
        assertTrue(blobNames(central, "aggregated/assets/").isEmpty(), "the findings event pushes no assets");
        for (String name : findings) {
            assertEquals(SUBSCRIPTION, name.split("/")[3], "records filed under the topic's subscription: " + name);
        }
        Map<String, Object> record = JsonParser.parseObject(read(central, findings.get(0)));
        assertEquals(SUBSCRIPTION, record.get("_source_account"));
        assertEquals("azure", record.get("_source_provider"));
        assertTrue(record.get("_checksum") instanceof String checksum && checksum.length() == 64, "checksum: " + record);

        Map<String, Object> line = onlyLogLine(context, Level.INFO);
        assertEquals("succeeded", line.get("outcome"));
        assertEquals((long) SCAN_FINDINGS, result(line).get("records_synced"));
    }

    @Test
    void cloudEventsBatchForAssetsPushesTheAssets() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");

        functions(central).onEventGrid(docEvent("blob-created-cloudevents-schema.json", productionUrl(source, ASSETS_KEY)),
                context);

        List<String> assets = blobNames(central, "aggregated/assets/");
        assertEquals(SCAN_ASSETS, assets.size(), "one record per asset: " + assets);
        assertTrue(assets.stream().allMatch(n -> n.split("/")[3].equals(SUBSCRIPTION)), "account from 'source': " + assets);
        assertEquals("succeeded", onlyLogLine(context, Level.INFO).get("outcome"));
    }

    @Test
    void dataLakeEndpointUrlIsReadThroughTheBlobEndpoint() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        String dfsUrl = "https://" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/" + source + "/" + FINDINGS_KEY;
        String event = resource("events/blob-created-datalake-eventgrid-schema.json").replace(DOC_DFS_URL, dfsUrl)
                .replace("{subscription-id}", SUBSCRIPTION);

        functions(central).onEventGrid(event, context);

        assertEquals(SCAN_FINDINGS, blobNames(central, "aggregated/findings/").size());
    }

    @Test
    void blobCreatedForANonScanBlobIsIgnoredAtDebugLevel() {
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        // Verbatim from the documentation: new-file.txt is not a scan file.
        String event = resource("events/blob-created-eventgrid-schema.json");

        functions(central).onEventGrid(event, context);

        assertTrue(blobNames(central, "").isEmpty(), "nothing written");
        assertTrue(context.messages(Level.INFO).isEmpty() && context.messages(Level.SEVERE).isEmpty(),
                "no info/error line for an ignored blob: " + context.records());
        Map<String, Object> line = onlyLogLine(context, Level.FINE);
        assertEquals("ignored", line.get("outcome"));
        assertEquals(List.of(DOC_BLOB_URL), line.get("objects"));
    }

    @Test
    void blobDeletedEventIsIgnored() {
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");

        functions(central).onEventGrid(resource("events/blob-deleted-eventgrid-schema.json"), context);

        assertTrue(blobNames(central, "").isEmpty());
        List<String> debug = context.messages(Level.FINE);
        assertEquals(1, debug.size(), "one debug line: " + debug);
        assertTrue(debug.get(0).contains("Microsoft.Storage.BlobDeleted"), debug.get(0));
    }

    @Test
    void eventThatIsNotJsonIsOneErrorLineAndNotRetried() {
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");

        functions(central).onEventGrid("{\"eventType\": ", context);

        Map<String, Object> line = onlyLogLine(context, Level.SEVERE);
        assertEquals(Boolean.FALSE, line.get("redeliver"));
        assertTrue(String.valueOf(line.get("message")).contains("not valid JSON"), line.toString());
    }

    /**
     * An Event Grid array of four BlobCreated events from two subscriptions is two syncs, one per
     * account, each listing its blobs.
     */
    @Test
    void anEventGridArrayIsOneSyncPerSubscription() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        String other = "0a1b2c3d-0000-4000-8000-00000000000b";
        List<String> events = new ArrayList<>();
        for (String subscription : List.of(SUBSCRIPTION, other)) {
            events.add(AzureEvents.blobCreated(subscription, productionUrl(source, FINDINGS_KEY)));
            events.add(AzureEvents.blobCreated(subscription, productionUrl(source, ASSETS_KEY)));
        }

        functions(central).onEventGrid(AzureEvents.array(events), context);

        List<String> lines = context.messages(Level.INFO);
        assertEquals(2, lines.size(), "one line per account: " + context.records().stream()
                .map(r -> r.getLevel() + " " + r.getMessage()).collect(Collectors.toList()));
        for (int i = 0; i < 2; i++) {
            Map<String, Object> line = JsonParser.parseObject(lines.get(i));
            assertEquals(List.of(SUBSCRIPTION, other).get(i), line.get("account"));
            assertEquals(2, ((List<?>) line.get("objects")).size(), line.toString());
            assertEquals((long) SCAN_FINDINGS + SCAN_ASSETS, result(line).get("records_synced"));
        }
        for (String account : List.of(SUBSCRIPTION, other)) {
            assertEquals(1, blobNames(central, "aggregated/_state/" + account + "/push-index.bin").size(), "one index per account");
        }
    }

    @Test
    void crossCloudEventFromAzureLandsInAnS3CentralOnMoto() {
        String source = sourceWithScan();
        String bucket = "stance-central-" + CONTAINERS.incrementAndGet();
        moto.createBucket(bucket);
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        Map<String, String> env = Map.of("STANCE_CENTRAL_URI", "s3://" + bucket);

        new StanceSyncFunctions(env).onEventGrid(
                singleEvent(docEvent("blob-created-eventgrid-schema.json", productionUrl(source, FINDINGS_KEY))), context);

        List<String> keys = moto.setupClient()
                .listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix("aggregated/findings/").build())
                .contents().stream().map(S3Object::key).collect(Collectors.toList());
        assertEquals(SCAN_FINDINGS, keys.size(), "records in S3: " + keys);
        assertTrue(keys.stream().allMatch(k -> k.split("/")[3].equals(SUBSCRIPTION)), keys.toString());
    }

    // ---------------------------------------------------------------------------------------
    // Blob trigger
    // ---------------------------------------------------------------------------------------

    @Test
    void blobTriggerPushesTheBlobNamedByItsUriMetadata() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceBlobSync");
        Map<String, String> env = Map.of("STANCE_CENTRAL_URI", "az://" + AzuriteServer.ACCOUNT + "/" + central,
                "STANCE_ACCOUNT_ID", "acct-blob");
        // The host serialises the Uri metadata as a JSON string; the emulator's URL is path-style.
        String uri = "\"" + azurite.blobEndpoint() + "/" + source + "/" + ASSETS_KEY + "\"";
        byte[] content = resource("scan/assets/" + SNAPSHOT + "/assets.jsonl").getBytes(StandardCharsets.UTF_8);

        new StanceSyncFunctions(env).onBlob(content, uri, context);

        List<String> assets = blobNames(central, "aggregated/assets/");
        assertEquals(SCAN_ASSETS, assets.size());
        assertTrue(assets.stream().allMatch(n -> n.split("/")[3].equals("acct-blob")), assets.toString());
    }

    @Test
    void producerBlobTriggerPushesProwlersOcsfOutputAsFindingsAndAssets() {
        String source = newContainer("source");
        String central = newContainer("central");
        // A Detection Finding as Prowler writes it for Azure (made-up values): FAIL, High, one storage account.
        String event = "[{\"class_uid\": 2004, \"severity_id\": 4, \"status_code\": \"FAIL\", \"time\": 1767261600,"
                + " \"metadata\": {\"event_code\": \"storage_secure_transfer_required\", \"product\": {\"name\": \"Prowler\"}},"
                + " \"finding_info\": {\"uid\": \"prowler-azure-1\", \"title\": \"Secure transfer required\"},"
                + " \"cloud\": {\"account\": {\"uid\": \"acct-blob\"}, \"provider\": \"azure\"},"
                + " \"resources\": [{\"uid\": \"/subscriptions/acct-blob/storageAccounts/logs\", \"type\": \"StorageAccount\","
                + " \"region\": \"westeurope\"}]}]";
        upload(source, "prowler/output.ocsf.json", event);
        RecordingExecutionContext context = new RecordingExecutionContext("StanceProducerBlobSync");
        Map<String, String> env = Map.of("STANCE_CENTRAL_URI", "az://" + AzuriteServer.ACCOUNT + "/" + central,
                "STANCE_ACCOUNT_ID", "acct-blob");

        new StanceSyncFunctions(env).onProducerBlob(new byte[0], azurite.blobEndpoint() + "/" + source
                + "/prowler/output.ocsf.json", context);

        assertEquals(List.of(RecordPaths.findingPath("aggregated", "acct-blob", "prowler-azure-1")),
                blobNames(central, "aggregated/findings/"));
        assertEquals(1, blobNames(central, "aggregated/assets/").size());
    }

    @Test
    void blobTriggerWithoutAnAccountIdIsRejectedNamingTheSetting() {
        String source = sourceWithScan();
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceBlobSync");
        String uri = azurite.blobEndpoint() + "/" + source + "/" + ASSETS_KEY;

        functions(central).onBlob(new byte[0], uri, context);

        Map<String, Object> line = onlyLogLine(context, Level.SEVERE);
        assertTrue(String.valueOf(line.get("message")).contains("STANCE_ACCOUNT_ID"), line.toString());
        assertTrue(blobNames(central, "").isEmpty());
    }

    // ---------------------------------------------------------------------------------------
    // Timer
    // ---------------------------------------------------------------------------------------

    @Test
    void timerCatchesUpOverStanceSourcesAndIsCheapOnTheSecondTick() {
        String sourceA = sourceWithScan();
        String sourceB = sourceWithScan();
        String central = newContainer("central");
        Map<String, String> env = new HashMap<>();
        env.put("STANCE_CENTRAL_URI", "az://" + AzuriteServer.ACCOUNT + "/" + central);
        env.put("STANCE_SOURCES", "az://" + AzuriteServer.ACCOUNT + "/" + sourceA + "/scans|acct-a|azure\n"
                + "https://" + AzuriteServer.ACCOUNT + ".blob.core.windows.net/" + sourceB + "/scans|acct-b|azure");
        StanceSyncFunctions functions = new StanceSyncFunctions(env);

        RecordingExecutionContext first = new RecordingExecutionContext("StanceScheduledSync");
        functions.onTimer("{\"isPastDue\":false}", first);

        for (String account : List.of("acct-a", "acct-b")) {
            assertEquals(SCAN_FINDINGS, blobNames(central, "aggregated/findings/").stream()
                    .filter(n -> n.split("/")[3].equals(account)).count(), "findings of " + account);
            assertEquals(SCAN_ASSETS, blobNames(central, "aggregated/assets/").stream()
                    .filter(n -> n.split("/")[3].equals(account)).count(), "assets of " + account);
        }
        assertEquals(2L * (SCAN_FINDINGS + SCAN_ASSETS), result(onlyLogLine(first, Level.INFO)).get("records_synced"));

        RecordingExecutionContext second = new RecordingExecutionContext("StanceScheduledSync");
        functions.onTimer("{\"isPastDue\":false}", second);
        Map<String, Object> again = result(onlyLogLine(second, Level.INFO));
        assertEquals(0L, again.get("records_synced"), "nothing changed: " + again);
    }

    @Test
    void timerWithNothingConfiguredIsRejectedAndNotRetried() {
        String central = newContainer("central");
        RecordingExecutionContext context = new RecordingExecutionContext("StanceScheduledSync");

        functions(central).onTimer("{}", context);

        Map<String, Object> line = onlyLogLine(context, Level.SEVERE);
        assertEquals("failed", line.get("outcome"));
        assertTrue(String.valueOf(line.get("message")).contains("STANCE_SOURCES"), line.toString());
    }

    /** Misconfiguration is permanent: every invocation logs one line naming the variable and is not retried. */
    @Test
    void workerWithoutCentralUriLogsOneLineNamingTheVariableOnEveryInvocation() {
        assertEquals(null, System.getenv("STANCE_CENTRAL_URI"), "this test needs STANCE_CENTRAL_URI unset");
        StanceSyncFunctions functions = new StanceSyncFunctions();
        for (int invocation = 1; invocation <= 2; invocation++) {
            RecordingExecutionContext context = new RecordingExecutionContext("StanceScheduledSync");
            functions.onTimer("{}", context);
            Map<String, Object> line = onlyLogLine(context, Level.SEVERE);
            assertTrue(String.valueOf(line.get("message")).contains("STANCE_CENTRAL_URI"), "invocation " + invocation
                    + ": " + line);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Fixtures
    // ---------------------------------------------------------------------------------------

    private static StanceSyncFunctions functions(String centralContainer) {
        return new StanceSyncFunctions(Map.of("STANCE_CENTRAL_URI", "az://" + AzuriteServer.ACCOUNT + "/" + centralContainer));
    }

    private static String newContainer(String kind) {
        String name = kind + "-" + CONTAINERS.incrementAndGet();
        azurite.createContainer(name);
        return name;
    }

    /** A source container holding the example scan under {@code scans/}, manifest included. */
    private static String sourceWithScan() {
        String container = newContainer("source");
        upload(container, FINDINGS_KEY, resource("scan/findings/" + SNAPSHOT + "/findings.jsonl"));
        upload(container, ASSETS_KEY, resource("scan/assets/" + SNAPSHOT + "/assets.jsonl"));
        upload(container, "scans/snapshots/manifest.json", resource("scan/snapshots/manifest.json"));
        return container;
    }

    /** The URL Event Grid reports for a blob of the account; the connection string routes it to Azurite. */
    private static String productionUrl(String container, String key) {
        return "https://" + AzuriteServer.ACCOUNT + ".blob.core.windows.net/" + container + "/" + key;
    }

    private static String docEvent(String file, String blobUrl) {
        return resource("events/" + file).replace(DOC_BLOB_URL, blobUrl).replace("{subscription-id}", SUBSCRIPTION);
    }

    /** Event Grid posts arrays; the trigger binding hands each element over on its own. */
    private static String singleEvent(String array) {
        String text = array.strip();
        assertTrue(text.startsWith("[") && text.endsWith("]"), "documented events are arrays");
        return text.substring(1, text.length() - 1);
    }

    private static void upload(String container, String key, String content) {
        azurite.setupClient().getBlobContainerClient(container).getBlobClient(key)
                .upload(BinaryData.fromString(content), true);
    }

    private static String read(String container, String key) {
        return azurite.setupClient().getBlobContainerClient(container).getBlobClient(key).downloadContent().toString();
    }

    private static List<String> blobNames(String container, String prefix) {
        BlobContainerClient client = azurite.setupClient().getBlobContainerClient(container);
        return client.listBlobs(new ListBlobsOptions().setPrefix(prefix.isEmpty() ? null : prefix), null).stream()
                .map(BlobItem::getName).sorted().collect(Collectors.toList());
    }

    private static Map<String, Object> onlyLogLine(RecordingExecutionContext context, Level level) {
        List<String> lines = context.messages(level);
        assertEquals(1, lines.size(), "one " + level + " line: " + context.records().stream()
                .map(r -> r.getLevel() + " " + r.getMessage()).collect(Collectors.toList()));
        return JsonParser.parseObject(lines.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(Map<String, Object> line) {
        return (Map<String, Object>) line.get("result");
    }

    private static String resource(String name) {
        try (InputStream in = AzureSyncFunctionsTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
