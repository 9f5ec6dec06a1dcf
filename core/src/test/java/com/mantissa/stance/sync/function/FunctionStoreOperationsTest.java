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
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.worker.FanOut;
import java.io.IOException;
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

/**
 * The store operations each deployed function's work performs, recorded while the functions do
 * it, and compared with the permissions table docs/permissions.json that the deployment checks
 * (.ci/check-permissions-iac.py, .ci/check-aws-policy-iac.sh) hold the templates' grants to.
 * A change of what a function does fails here until the table, and with it the grants, follow.
 * Run with -Dpermissions.write=true to rewrite the table's "functions" from the recording.
 */
class FunctionStoreOperationsTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final String SCAN = "scan";
    private static final List<String> SNAPSHOTS = List.of("20261201-000000", "20261202-000000", "20261203-000000",
            "20261204-000000");
    private static final Map<String, Map<String, Map<String, Set<String>>>> RECORDED = new TreeMap<>();

    @BeforeAll
    static void record() {
        RECORDED.put("object-created", eventPush(false));
        RECORDED.put("object-created, resolve-missing", eventPush(true));
        RECORDED.put("worker", continuedPush(false));
        RECORDED.put("worker, resolve-missing", continuedPush(true));
        RECORDED.put("schedule", scheduledTick(false));
        RECORDED.put("schedule, resolve-missing", scheduledTick(true));
        RECORDED.put("schedule, fan-out", fanOutTick());
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

    /** Ticks without fan-out: the catch-up push of the sources, the pull, the export, the stale check. */
    private static Map<String, Map<String, Set<String>>> scheduledTick(boolean resolve) {
        Fixture f = new Fixture(resolve, Map.of(FunctionSettings.SOURCES, "s3://spoke/" + SCAN + "|" + ACCOUNT + "|aws",
                FunctionSettings.SYNC_DIRECTION, "bidirectional", FunctionSettings.PULL_TARGET, "s3://pull/copy",
                LifecycleSettings.EXPORT_TARGET, "s3://export/stance-export", LifecycleSettings.EXPORT_KEEP, "1"));
        SyncFunction function = new SyncFunction(f.settings, null, f::open);
        for (String snapshot : SNAPSHOTS) {
            f.before(snapshot);
            LogEntry entry = function.handle(List.of(FunctionEvent.tick(snapshot, "schedule"))).entries().get(0);
            SyncResult result = entry.result();
            assertTrue(result.success(), result.errors().toString());
        }
        return f.recorded();
    }

    /** A fan-out tick sends one message per source and touches no store but the sources file. */
    private static Map<String, Map<String, Set<String>>> fanOutTick() {
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI, "s3://central",
                FunctionSettings.SOURCES, "s3://spoke/" + SCAN + "|" + ACCOUNT + "|aws"));
        List<String> sent = new ArrayList<>();
        try (Stores stores = new Stores()) {
            FanOut.Result result = FanOut.enqueue(settings, null, new SendingQueue(sent), stores);
            assertEquals(1, result.sent(), result.errors().toString());
        }
        assertEquals(1, sent.size());
        Map<String, Map<String, Set<String>>> recorded = new TreeMap<>();
        // SourcesFile reads STANCE_SOURCES_URI whole (SourcesFileTest); no other store is opened.
        recorded.put("sources-file", Map.of("*", Set.of("read")));
        recorded.put("work-queue", Map.of("*", Set.of("send")));
        return recorded;
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
        final Map<String, StoreOperationRecorder> buckets = new LinkedHashMap<>();

        Fixture(boolean resolve, Map<String, String> more) {
            Map<String, String> env = new HashMap<>(more);
            env.put(FunctionSettings.CENTRAL_URI, "s3://central");
            env.put(FunctionSettings.CENTRAL_PREFIX, PREFIX);
            env.put(LifecycleSettings.RESOLVE_MISSING, String.valueOf(resolve));
            // The resolve pass of the second, smaller snapshot resolves 8 of 20.
            env.put(LifecycleSettings.RESOLVE_MAX_SHARE, "0.9");
            settings = FunctionSettings.fromEnvironment(env);
            buckets.put("central", new StoreOperationRecorder("central", centralContent, PREFIX));
            buckets.put("spoke", new StoreOperationRecorder("source", spokeContent, null));
            buckets.put("pull", new StoreOperationRecorder("pull-target", new MemoryStore(), null));
            buckets.put("export", new StoreOperationRecorder("export-target", new MemoryStore(), null));
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

    /** A work queue that only takes messages: what a fan-out tick does with one. */
    private record SendingQueue(List<String> sent) implements WorkQueue {
        @Override
        public String send(String body) {
            sent.add(body);
            return "m" + sent.size();
        }

        @Override
        public List<QueueMessage> receive(int max, Duration visibility, Duration wait) {
            throw new AssertionError("a tick receives nothing");
        }

        @Override
        public void ack(QueueMessage message) {
            throw new AssertionError("a tick acknowledges nothing");
        }

        @Override
        public QueueMessage extend(QueueMessage message, Duration visibility) {
            throw new AssertionError("a tick extends nothing");
        }

        @Override
        public void nack(QueueMessage message) {
            throw new AssertionError("a tick returns nothing");
        }

        @Override
        public Optional<String> deadLetter() {
            return Optional.empty();
        }

        @Override
        public int maxReceive() {
            return 0;
        }

        @Override
        public String uri() {
            return "sqs://work";
        }

        @Override
        public void close() {
        }
    }
}
