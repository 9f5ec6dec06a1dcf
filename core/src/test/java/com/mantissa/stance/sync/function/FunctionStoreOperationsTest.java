package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ResumablePush;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.formats.ProducerDocuments;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.worker.FanOut;
import com.mantissa.stance.sync.worker.ScheduledTick;
import com.mantissa.stance.sync.worker.SourcesFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The store operations each deployed function's work performs, recorded while the functions do
 * it, and compared with the permissions table docs/permissions.json that the deployment checks
 * (.ci/check-permissions-iac.py, .ci/check-aws-policy-iac.sh) hold the templates' grants to.
 * A change of what a function does fails here until the table, and with it the grants, follow.
 * Run with -Dpermissions.write=true to rewrite the table's "functions" from the recording.
 */
@ExtendWith(Emulators.class)
class FunctionStoreOperationsTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final String SCAN = "scan";
    private static final List<String> SNAPSHOTS = List.of("20261201-000000", "20261202-000000", "20261203-000000",
            "20261204-000000");
    /** The account of the one source the sources file lists. */
    private static final String LISTED_ACCOUNT = "210987654321";
    private static final Map<String, Map<String, Map<String, Set<String>>>> RECORDED = new TreeMap<>();

    @BeforeAll
    static void record(MotoServer moto, @TempDir Path dir) throws IOException {
        Path sourcesFile = dir.resolve("sources.jsonl");
        Files.writeString(sourcesFile, SourcesFile.line(SourceSpec.of(StorageLocation.parse("s3://spoke/" + SCAN),
                LISTED_ACCOUNT, "aws")) + "\n");
        String queueUrl;
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(MotoServer.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build()) {
            queueUrl = sqs.createQueue(b -> b.queueName("store-operations-" + System.nanoTime())).queueUrl();
        }
        RECORDED.put("object-created", eventPush(false));
        RECORDED.put("object-created, resolve-missing", eventPush(true));
        RECORDED.put("worker", continuedPush(false));
        RECORDED.put("worker, resolve-missing", continuedPush(true));
        RECORDED.put("schedule", scheduledTick(false, sourcesFile));
        RECORDED.put("schedule, resolve-missing", scheduledTick(true, sourcesFile));
        RECORDED.put("schedule, fan-out", fanOutTick(sourcesFile, queueUrl));
        // With STANCE_NOTIFY_URI set, every function that pushes publishes the digests of its pushes
        // (PushNotifications; sent on moto's SNS in NotifyPushEndToEndTest); the fan-out tick pushes nothing.
        for (String function : List.of("object-created", "object-created, resolve-missing", "worker",
                "worker, resolve-missing", "schedule", "schedule, resolve-missing")) {
            RECORDED.get(function).put("notify-target", Map.of("*", Set.of("publish")));
        }
    }

    @Test
    void theTemplatesGrantTableMatchesWhatTheFunctionsDo() throws IOException {
        Path table = repositoryRoot().resolve("docs/permissions.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode recorded = json.valueToTree(RECORDED);
        JsonNode document = json.readTree(table.toFile());
        if (Boolean.getBoolean("permissions.write")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) document).set("functions", recorded);
            Files.writeString(table, json.writeValueAsString(document) + "\n");
        }
        assertEquals(json.writeValueAsString(document.get("functions")), json.writeValueAsString(recorded),
                "the functions' store operations changed: update docs/permissions.json (-Dpermissions.write=true),"
                        + " then the grants of every template (docs/permissions.md)");
    }

    @Test
    void aFinishedContinuedPushDeletesItsCheckpointAndTheResolvePassDeletesGoneAssets() {
        assertTrue(RECORDED.get("worker").get("central").get("_state/{account}/resume/*").contains("delete"));
        assertTrue(RECORDED.get("object-created, resolve-missing").get("central").get("assets/????/{account}/*")
                .contains("delete"));
        assertTrue(RECORDED.get("object-created, resolve-missing").get("central").containsKey("findings/"),
                "the resolve pass lists central's findings");
        assertFalse(RECORDED.get("object-created").get("central").containsKey("findings/"),
                "without it an event push lists nothing in central");
    }

    @Test
    void theWorkersPushWritesTheStatusAndResolvesAsAnEventPushDoes() {
        for (String function : List.of("worker", "worker, resolve-missing")) {
            assertTrue(RECORDED.get(function).get("central").get("_state/{account}/*").contains("write"),
                    function + " writes the account's status objects");
        }
        Map<String, Set<String>> resolving = RECORDED.get("worker, resolve-missing").get("central");
        assertTrue(resolving.get("assets/????/{account}/*").contains("delete"), resolving.toString());
        assertTrue(resolving.containsKey("findings/") && resolving.containsKey("assets/"), resolving.toString());
        assertFalse(RECORDED.get("worker").get("central").containsKey("findings/"), "without resolve nothing is listed");
    }

    @Test
    void aTickThatFansOutStillPullsExportsAndListsTheAccountsStatus() {
        Map<String, Map<String, Set<String>>> fanOut = RECORDED.get("schedule, fan-out");
        assertTrue(fanOut.get("export-target").get("*").contains("write"), fanOut.toString());
        assertTrue(fanOut.get("pull-target").get("*").contains("conditional-write"), fanOut.toString());
        assertTrue(fanOut.get("central").get("_state/").contains("list"), fanOut.toString());
        assertFalse(fanOut.get("central").getOrDefault("findings/????/{account}/*", Set.of()).contains("conditional-write"),
                "a fan-out tick writes no records: " + fanOut);
    }

    /**
     * Snapshots of one account, each file pushed on its event: the first, a smaller second, a
     * third after the account's push index was lost (the push reads central instead), and a
     * fourth after another writer changed a record (the conditional write loses and re-reads).
     */
    private static Map<String, Map<String, Set<String>>> eventPush(boolean resolve) {
        Fixture f = new Fixture(resolve, Map.of());
        SyncFunction function = new SyncFunction(f.settings, null, f::open);
        for (String snapshot : SNAPSHOTS) {
            f.before(snapshot);
            List<FunctionEvent> events = new ArrayList<>();
            for (String kind : List.of("findings", "assets")) {
                events.add(FunctionEvent.objectCreated(kind + snapshot, "s3://spoke/" + SCAN + "/" + kind + "/" + snapshot
                        + "/" + kind + ".jsonl", ACCOUNT));
            }
            for (LogEntry entry : function.handle(events).entries()) {
                assertTrue(entry.result().success(), entry.result().errors().toString());
            }
        }
        // The same function takes Security Hub's findings events: a push into central alone.
        Map<String, Object> finding = ProducerDocuments.asff("arn:aws:securityhub:us-east-1:" + ACCOUNT + ":finding/1");
        finding.put("AwsAccountId", ACCOUNT);
        String event = ProducerDocuments.json(ProducerDocuments.map("detail-type", "Security Hub Findings - Imported",
                "source", "aws.securityhub", "account", ACCOUNT, "detail",
                ProducerDocuments.map("findings", List.of(finding))));
        for (LogEntry entry : function.handle(EventDecoder.message("securityhub", event, null).events()).entries()) {
            assertEquals("findings-imported", entry.trigger());
            assertTrue(entry.result().success(), entry.result().errors().toString());
        }
        return f.recorded();
    }

    /**
     * A source message's push as the worker runs it (the same engine call): one batch within a
     * spent budget, a continuation, then the rest, after which the checkpoint goes.
     */
    private static Map<String, Map<String, Set<String>>> continuedPush(boolean resolve) {
        Fixture f = new Fixture(resolve, Map.of(FunctionSettings.BATCH_SIZE, "5"));
        f.before(SNAPSHOTS.get(0));
        StorageAdapter spoke = f.open(StorageLocation.parse("s3://spoke/" + SCAN));
        List<ScanLocator.ScanFile> files = ScanLocator.locate(spoke, SCAN);
        Central central = Central.at(f.open(f.settings.central()), PREFIX);
        ResumablePush.Outcome first = central.resumablePush(f.settings.push())
                .run(spoke, files, "s3://spoke/" + SCAN, ACCOUNT, "aws", Duration.ZERO);
        assertTrue(first.needsContinuation(), first.toString());
        ResumablePush.Outcome rest = central.resumablePush(f.settings.push())
                .run(spoke, files, "s3://spoke/" + SCAN, ACCOUNT, "aws", null);
        assertTrue(rest.finished() && rest.result().success(), rest.toString());
        // The index lost, then a record changed by another writer: as in eventPush.
        for (String snapshot : SNAPSHOTS.subList(2, 4)) {
            f.before(snapshot);
            ResumablePush.Outcome again = central.resumablePush(f.settings.push())
                    .run(spoke, ScanLocator.locate(spoke, SCAN), "s3://spoke/" + SCAN, ACCOUNT, "aws", null);
            assertTrue(again.finished() && again.result().success(), again.toString());
        }
        Map<String, Map<String, Set<String>>> recorded = f.recorded();
        // The platform's event source mapping consumes the messages; a continuation is sent.
        recorded.put("work-queue", Map.of("*", new TreeSet<>(Set.of("consume", "send"))));
        return recorded;
    }

    /**
     * The one tick without a work queue (ScheduledTick, as every cloud's handler runs it): the
     * catch-up push of STANCE_SOURCES and of the sources file's source, then the pull, the export
     * and the stale-account check.
     */
    private static Map<String, Map<String, Set<String>>> scheduledTick(boolean resolve, Path sourcesFile) {
        Fixture f = new Fixture(resolve, tickSettings(sourcesFile, null));
        SyncFunction function = new SyncFunction(f.settings, null, f::open);
        for (String snapshot : SNAPSHOTS) {
            f.before(snapshot);
            succeeded(ScheduledTick.run(function, snapshot, "schedule"));
        }
        assertTrue(f.centralContent.contents().keySet().stream().anyMatch(k -> k.contains("/" + LISTED_ACCOUNT + "/")),
                "the tick pushed the source the sources file lists");
        return f.withSourcesFile(f.recorded());
    }

    /**
     * The one tick with a work queue: each source goes to the queue (a real one, SQS on moto), then
     * the tick pulls, exports and checks for stale accounts as one without a queue does. Central is
     * filled between the ticks by unrecorded pushes, as the workers would.
     */
    private static Map<String, Map<String, Set<String>>> fanOutTick(Path sourcesFile, String queueUrl) {
        Fixture f = new Fixture(false, tickSettings(sourcesFile, queueUrl));
        SyncFunction function = new SyncFunction(f.settings, null, f::open);
        SyncFunction unrecorded = new SyncFunction(f.settings, null, f::openUnrecorded);
        for (String snapshot : SNAPSHOTS) {
            f.before(snapshot);
            for (String kind : List.of("findings", "assets")) {
                for (LogEntry entry : unrecorded.handle(List.of(FunctionEvent.objectCreated(kind + snapshot, "s3://spoke/"
                        + SCAN + "/" + kind + "/" + snapshot + "/" + kind + ".jsonl", ACCOUNT))).entries()) {
                    assertTrue(entry.result().success(), entry.result().errors().toString());
                }
            }
            BatchOutcome outcome = succeeded(ScheduledTick.run(function, snapshot, "schedule"));
            assertTrue(outcome.entries().get(0).toJson().contains("2 source message(s) sent"),
                    outcome.entries().get(0).toJson());
        }
        Map<String, Map<String, Set<String>>> recorded = f.withSourcesFile(f.recorded());
        assertFalse(recorded.containsKey("source"), "a fan-out tick pushes nothing itself: " + recorded);
        try (WorkQueue queue = WorkQueues.open(queueUrl)) {
            List<QueueMessage> sent = queue.receive(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
            assertTrue(sent.stream().anyMatch(m -> m.body().contains(LISTED_ACCOUNT)), "the sources file was read");
        }
        recorded.put("work-queue", Map.of("*", Set.of("send")));
        return recorded;
    }

    /** STANCE_SOURCES, the sources file, an s3:// pull target and export, and the work queue when not null. */
    private static Map<String, String> tickSettings(Path sourcesFile, String queueUrl) {
        Map<String, String> env = new HashMap<>(Map.of(FunctionSettings.SOURCES, "s3://spoke/" + SCAN + "|" + ACCOUNT
                + "|aws", SourcesFile.SOURCES_URI, sourcesFile.toString(), FunctionSettings.SYNC_DIRECTION,
                "bidirectional", FunctionSettings.PULL_TARGET, "s3://pull/copy", LifecycleSettings.EXPORT_TARGET,
                "s3://export/stance-export", LifecycleSettings.EXPORT_KEEP, "1"));
        if (queueUrl != null) {
            env.put(FanOut.WORK_QUEUE, queueUrl);
        }
        return env;
    }

    private static BatchOutcome succeeded(BatchOutcome outcome) {
        for (LogEntry entry : outcome.entries()) {
            assertTrue(entry.result().success(), entry.toJson());
        }
        assertFalse(outcome.redeliver(), outcome.toString());
        return outcome;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The buckets of one scenario, each a recorder over a real in-memory store. */
    private static final class Fixture {
        final FunctionSettings settings;
        final MemoryStore spokeContent = new MemoryStore();
        final MemoryStore centralContent = new MemoryStore();
        final Map<String, MemoryStore> contents = new HashMap<>();
        final Map<String, StoreOperationRecorder> buckets = new LinkedHashMap<>();

        Fixture(boolean resolve, Map<String, String> more) {
            Map<String, String> env = new HashMap<>(more);
            env.put(FunctionSettings.CENTRAL_URI, "s3://central");
            env.put(FunctionSettings.CENTRAL_PREFIX, PREFIX);
            env.put(LifecycleSettings.RESOLVE_MISSING, String.valueOf(resolve));
            // The resolve pass of the second, smaller snapshot resolves 8 of 20.
            env.put(LifecycleSettings.RESOLVE_MAX_SHARE, "0.9");
            settings = FunctionSettings.fromEnvironment(env);
            contents.put("central", centralContent);
            contents.put("spoke", spokeContent);
            contents.put("pull", new MemoryStore());
            contents.put("export", new MemoryStore());
            buckets.put("central", new StoreOperationRecorder("central", centralContent, PREFIX));
            buckets.put("spoke", new StoreOperationRecorder("source", spokeContent, null));
            buckets.put("pull", new StoreOperationRecorder("pull-target", contents.get("pull"), null));
            buckets.put("export", new StoreOperationRecorder("export-target", contents.get("export"), null));
        }

        /** The same buckets without the recorders: work done for the scenario, not by the function under test. */
        StorageAdapter openUnrecorded(StorageLocation location) {
            open(location);
            return contents.get(location.bucketName());
        }

        /**
         * The tick reads the sources file whole from its location (a local file here, outside
         * the recorders; SourcesFileTest reads it from stores): one read, on any store.
         */
        Map<String, Map<String, Set<String>>> withSourcesFile(Map<String, Map<String, Set<String>>> recorded) {
            recorded.put("sources-file", Map.of("*", Set.of("read")));
            return recorded;
        }

        StorageAdapter open(StorageLocation location) {
            return Optional.ofNullable(buckets.get(location.bucketName()))
                    .orElseThrow(() -> new AssertionError("opened an unexpected store: " + location));
        }

        /** Writes the scan of {@code snapshot} and changes central behind the function's back, as its number asks. */
        void before(String snapshot) {
            int n = SNAPSHOTS.indexOf(snapshot);
            writeSnapshot(snapshot, n == 1 ? 12 : 20 - n);
            if (n == 2) {
                centralContent.contents().keySet().stream().filter(k -> k.endsWith("/push-index.bin")).toList()
                        .forEach(centralContent::deleteRecord);
            }
            if (n == 3) {
                String record = centralContent.contents().keySet().stream()
                        .filter(k -> k.startsWith(PREFIX + "/findings/")).sorted().findFirst().orElseThrow();
                String changed = new String(centralContent.contents().get(record), StandardCharsets.UTF_8)
                        .replace("\"high\"", "\"low\"");
                centralContent.writeRecord(record, changed.getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
            }
        }

        void writeSnapshot(String snapshot, int records) {
            StringBuilder findings = new StringBuilder();
            StringBuilder assets = new StringBuilder();
            for (int i = 0; i < records; i++) {
                findings.append("{\"id\": \"finding-").append(i).append("\", \"asset_id\": \"asset-").append(i)
                        .append("\", \"finding_type\": \"misconfiguration\", \"severity\": \"high\", \"status\": \"open\","
                                + " \"title\": \"Open port ").append(i).append("\", \"last_seen\": \"")
                        .append(snapshot, 0, 4).append('-').append(snapshot, 4, 6).append('-').append(snapshot, 6, 8)
                        .append("T00:00:00Z\"}\n");
                assets.append("{\"id\": \"asset-").append(i).append("\", \"cloud_provider\": \"aws\", \"account_id\": \"")
                        .append(ACCOUNT).append("\", \"region\": \"us-east-1\", \"resource_type\": \"aws_instance\","
                                + " \"name\": \"host ").append(i).append("\"}\n");
            }
            spokeContent.writeRecord(SCAN + "/findings/" + snapshot + "/findings.jsonl",
                    findings.toString().getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
            spokeContent.writeRecord(SCAN + "/assets/" + snapshot + "/assets.jsonl",
                    assets.toString().getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
            spokeContent.writeRecord(SCAN + "/snapshots/manifest.json", ("{\"snapshots\": [{\"id\": \"" + snapshot
                    + "\"}]}").getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
        }

        /** Store name to key class to operations; stores that saw no operation are left out. */
        Map<String, Map<String, Set<String>>> recorded() {
            Map<String, Map<String, Set<String>>> all = new TreeMap<>();
            for (StoreOperationRecorder store : buckets.values()) {
                if (!store.operations().isEmpty()) {
                    all.put(store.name(), store.operations());
                }
            }
            return all;
        }
    }
}
