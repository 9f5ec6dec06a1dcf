package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * What every handler module must do, with the same expectations on every cloud. A module runs
 * it by subclassing: it uploads scan files to its cloud's spoke store and delivers events
 * through its platform's own event types and runner; the contract checks what lands in central,
 * which lines were logged and whether the platform was asked to redeliver.
 *
 * <p>Central is S3 on moto unless a test says otherwise: every handler can push there.
 */
@ExtendWith(Emulators.class)
public abstract class HandlerContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    protected static MotoServer moto;
    protected static GcsServer gcs;
    protected static AzuriteServer azurite;
    protected static CentralStores centrals;

    /** A scan file in this cloud's spoke store: the bucket or container and the key. */
    public record SpokeObject(String container, String key) {
    }

    /**
     * What one delivery came to.
     *
     * @param redelivered whether the platform was asked to deliver again (the handler threw,
     *                    the runner answered 5xx, or SQS was given the message back)
     * @param lines       the JSON log lines the handler wrote for it, in order
     */
    public record Delivery(boolean redelivered, List<JsonNode> lines) {
        JsonNode only() {
            assertEquals(1, lines.size(), "one log line: " + lines);
            return lines.get(0);
        }
    }

    @BeforeAll
    static void startServers(MotoServer motoServer, GcsServer gcsServer, AzuriteServer azuriteServer) {
        moto = motoServer;
        gcs = gcsServer;
        azurite = azuriteServer;
        centrals = new CentralStores(motoServer, gcsServer, azuriteServer);
    }

    /** The provider records from this cloud's spokes are filed under: aws, gcp or azure. */
    protected abstract String provider();

    /** Writes a scan file to this cloud's spoke store (creating its bucket or container if needed). */
    protected abstract SpokeObject upload(String key, byte[] content);

    /**
     * Delivers "object created" for {@code objects} to the handler configured by {@code env}, in
     * as few platform invocations as the platform batches them (one, where it can); the events
     * name no account of their own.
     */
    protected abstract Delivery deliverCreated(Map<String, String> env, List<SpokeObject> objects);

    /** Delivers an event of the handler's trigger that cannot be decoded (bad JSON or a missing field). */
    protected abstract Delivery deliverMalformed(Map<String, String> env);

    /**
     * Delivers {@code bodies} as messages of the work queue to the handler's queue worker
     * ({@code env} names the queue in {@code STANCE_WORK_QUEUE}), in as few invocations as the
     * platform batches them.
     */
    protected abstract Delivery deliverWork(Map<String, String> env, List<String> bodies);

    /** The work queue of this cloud the worker would send continuations to (none is sent here: no budget runs out). */
    protected abstract String workQueue();

    /** The location of {@code prefix} in the container of this cloud's spoke objects ({@code s3://…}, {@code gs://…}, {@code az://…}). */
    protected abstract String spokeLocation(String container, String prefix);

    /** The object-created event this cloud's storage sends for {@code object}, as a message body of its queue. */
    protected abstract String createdEventBody(SpokeObject object);

    /** How many object-created events the platform hands over in one invocation at most. */
    protected int eventsPerInvocation() {
        return Integer.MAX_VALUE;
    }

    /**
     * The kind of central made unreachable for {@link #aCentralThatDoesNotAnswerIsRedelivered}:
     * its endpoint setting points at a closed port both in {@code env} and, while delivering, in
     * the system properties the adapters of this JVM read. Azure by default: its clients are
     * keyed by connection string, so a dead one poisons nothing else (a handler whose spoke is on
     * Azurite then cannot read its spoke either: a transient store failure all the same). A
     * dead GCS endpoint is not used because its client's own retries take minutes.
     */
    protected CentralStores.Kind unreachableKind() {
        return CentralStores.Kind.AZURE;
    }

    // ------------------------------------------------------------------------------------

    @Test
    void aKeyThatIsNotAScanFileIsIgnored() {
        String central = newCentral("ignored");
        SpokeObject manifest = upload("contract/stance/snapshots/manifest.json",
                "{\"snapshots\": []}".getBytes(StandardCharsets.UTF_8));

        Delivery delivery = deliverCreated(env(central, VisibleVectors.ACCOUNT), List.of(manifest));

        assertFalse(delivery.redelivered());
        JsonNode line = delivery.only();
        assertEquals("ignored", line.get("outcome").asText(), line.toString());
        assertEquals("DEBUG", line.get("severity").asText());
        assertTrue(centrals.open(central).listRecords("").isEmpty(), "nothing written");
    }

    /** The same hostile scan through every handler: the good records land, the rest is logged, nothing is redelivered. */
    @Test
    void aHostileScanIsLoggedAndAcknowledged() {
        String central = newCentral("hostile");
        SpokeObject scan = upload("contract/hostile-" + NAMES.incrementAndGet() + "/findings/s/findings.jsonl",
                HostileScan.findings());

        Delivery delivery = deliverCreated(env(central, VisibleVectors.ACCOUNT), List.of(scan));

        assertFalse(delivery.redelivered(), "bad lines are permanent: " + delivery.lines());
        JsonNode line = delivery.only();
        assertEquals("ERROR", line.get("severity").asText());
        assertEquals("failed", line.get("outcome").asText());
        assertFalse(line.get("redeliver").asBoolean());
        assertEquals(HostileScan.GOOD, line.get("result").get("records_synced").asInt());
        List<String> errors = new ArrayList<>();
        line.get("result").get("errors").forEach(e -> errors.add(e.asText()));
        HostileScan.assertErrors(errors);
        HostileScan.assertOnlyGoodRecords(centrals.open(central), "aggregated", VisibleVectors.ACCOUNT);
    }

    @Test
    void withoutAnAccountTheEventIsRejectedNamingTheSetting() {
        String central = newCentral("no-account");
        SpokeObject scan = upload("contract/no-account/findings/s/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));

        Delivery delivery = deliverCreated(env(central, null), List.of(scan));

        assertFalse(delivery.redelivered());
        JsonNode line = delivery.only();
        assertEquals("ERROR", line.get("severity").asText());
        assertTrue(line.get("result").get("errors").get(0).asText().contains("STANCE_ACCOUNT_ID"), line.toString());
        assertTrue(centrals.open(central).listRecords("").isEmpty(), "nothing written");
    }

    @Test
    void aMalformedEventIsRejectedWithOneLine() {
        Delivery delivery = deliverMalformed(env(newCentral("malformed"), VisibleVectors.ACCOUNT));

        assertFalse(delivery.redelivered());
        JsonNode line = delivery.only();
        assertEquals("ERROR", line.get("severity").asText());
        assertEquals("failed", line.get("outcome").asText());
        assertEquals(1, line.get("result").get("errors").size(), line.toString());
    }

    /** A store-level permanent failure: one line naming the location, no redelivery (none can create the bucket). */
    @Test
    void aMissingCentralBucketIsLoggedOnceAndNotRetried() {
        String bucket = "contract-missing-" + provider() + "-" + NAMES.incrementAndGet();
        SpokeObject scan = upload("contract/missing/findings/s/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));

        Delivery delivery = deliverCreated(env("s3://" + bucket, VisibleVectors.ACCOUNT), List.of(scan));

        assertFalse(delivery.redelivered(), delivery.lines().toString());
        JsonNode line = delivery.only();
        assertEquals("ERROR", line.get("severity").asText());
        assertTrue(line.get("result").get("errors").get(0).asText().contains(bucket), line.toString());
    }

    /** A transient failure: the platform is asked to deliver again. */
    @Test
    void aCentralThatDoesNotAnswerIsRedelivered() {
        CentralStores.Kind kind = unreachableKind();
        String name = "contract-dead-" + provider() + "-" + NAMES.incrementAndGet();
        String central = switch (kind) {
            case S3 -> "s3://" + name;
            case GCS -> "gs://" + name;
            case AZURE -> "az://" + AzuriteServer.ACCOUNT + "/" + name;
        };
        SpokeObject scan = upload("contract/dead/findings/s/findings.jsonl", "{\"id\": \"contract-dead-1\"}\n"
                .getBytes(StandardCharsets.UTF_8));
        Map<String, String> dead = deadEndpoint(kind);
        Map<String, String> env = env(central, VisibleVectors.ACCOUNT);
        env.putAll(dead);
        // Every connection is refused at once: the time goes to the retries' backoff, which the
        // deadline cuts short. A refused connection and a deadline past are both transient.
        env.put("STANCE_DEADLINE", "1s");

        Map<String, String> previous = new HashMap<>();
        dead.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        Delivery delivery;
        try {
            delivery = deliverCreated(env, List.of(scan));
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }

        assertTrue(delivery.redelivered(), delivery.lines().toString());
        JsonNode line = delivery.only();
        assertEquals("ERROR", line.get("severity").asText());
        assertTrue(line.get("redeliver").asBoolean(), line.toString());
        assertEquals(0, line.get("result").get("records_synced").asInt());
    }

    /**
     * Three scan files of one account, each holding records the others do not: one sync per
     * invocation, so the account's push index is written once per invocation (counted as
     * versions of its key in a versioned bucket): once for a platform that batches them.
     */
    @Test
    void aBatchOfSeveralObjectsIsOneSyncPerAccount() {
        String bucket = "contract-batch-" + provider() + "-" + NAMES.incrementAndGet();
        moto.createBucket(bucket);
        moto.setupClient().putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        List<SpokeObject> objects = List.of(
                upload("contract/batch/findings/a/findings.jsonl", VisibleVectors.scanFile("findings.jsonl")),
                upload("contract/batch/assets/a/assets.jsonl", VisibleVectors.scanFile("assets.jsonl")),
                upload("contract/batch/findings/b/findings.jsonl", ("{\"id\": \"contract-batch-1\"}\n"
                        + "{\"id\": \"contract-batch-2\"}\n{\"id\": \"contract-batch-3\"}\n").getBytes(StandardCharsets.UTF_8)));

        Delivery delivery = deliverCreated(env("s3://" + bucket, VisibleVectors.ACCOUNT), objects);

        assertFalse(delivery.redelivered());
        int perInvocation = Math.min(eventsPerInvocation(), objects.size());
        int invocations = (objects.size() + perInvocation - 1) / perInvocation;
        assertEquals(invocations, delivery.lines().size(), "one line per sync: " + delivery.lines());
        long synced = 0;
        for (JsonNode line : delivery.lines()) {
            assertEquals("succeeded", line.get("outcome").asText(), line.toString());
            assertEquals(VisibleVectors.ACCOUNT, line.get("account").asText());
            synced += line.get("result").get("records_synced").asLong();
        }
        assertEquals(52 + 3, synced);
        String index = "aggregated/_state/" + VisibleVectors.ACCOUNT + "/push-index.bin";
        int writes = moto.setupClient().listObjectVersions(b -> b.bucket(bucket).prefix(index)).versions().size();
        assertEquals(invocations, writes, "index writes");
    }

    /** The handler's row of the 3×3 matrix: its spoke's visible scan lands in every kind of central. */
    @ParameterizedTest
    @EnumSource(CentralStores.Kind.class)
    void theVisibleScanLandsInEveryKindOfCentral(CentralStores.Kind kind) {
        String central = centrals.create(kind, "matrix-" + provider() + "-" + kind.name().toLowerCase(Locale.ROOT)
                + "-" + NAMES.incrementAndGet());
        String snapshot = "matrix" + NAMES.incrementAndGet();
        List<SpokeObject> objects = List.of(
                upload("contract/stance/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl")),
                upload("contract/stance/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl")));

        Delivery delivery = deliverCreated(env(central, VisibleVectors.ACCOUNT), objects);

        assertFalse(delivery.redelivered(), delivery.lines().toString());
        delivery.lines().forEach(line -> assertEquals("succeeded", line.get("outcome").asText(), line.toString()));
        VisibleVectors.assertCentralMatches(centrals.open(central), provider());
    }

    /** A source message through the worker: the whole scan is pushed, one line says so, nothing comes back. */
    @Test
    void aSourceMessageIsPushedByTheWorker() {
        String central = newCentral("worker-source");
        String location = uploadVisibleScan("worker-source");

        Delivery delivery = deliverWork(workerEnv(central), List.of(WorkMessages.source(
                new SourceSpec(StorageLocation.parse(location), VisibleVectors.ACCOUNT, provider()), 0)));

        assertFalse(delivery.redelivered(), delivery.lines().toString());
        JsonNode line = delivery.only();
        assertEquals("INFO", line.get("severity").asText(), line.toString());
        assertTrue(line.get("message").asText().endsWith(": pushed"), line.toString());
        VisibleVectors.assertCentralMatches(centrals.open(central), provider());
    }

    /**
     * A poison message (an account that would escape its folder) is one error line and
     * acknowledged; the other messages of the batch are pushed all the same.
     */
    @Test
    void aPoisonMessageIsOneErrorLineAndTheOthersArePushed() {
        String central = newCentral("worker-poison");
        String location = uploadVisibleScan("worker-poison");
        String poison = "{\"stance_sync\": \"source\", \"location\": \"" + location + "\", \"account\": \"../../x\","
                + " \"provider\": \"" + provider() + "\", \"continuation\": 0}";
        String good = WorkMessages.source(new SourceSpec(StorageLocation.parse(location), VisibleVectors.ACCOUNT,
                provider()), 0);

        Delivery delivery = deliverWork(workerEnv(central), List.of(poison, good));

        assertFalse(delivery.redelivered(), delivery.lines().toString());
        List<JsonNode> errors = delivery.lines().stream().filter(l -> l.get("severity").asText().equals("ERROR")).toList();
        assertEquals(1, errors.size(), delivery.lines().toString());
        assertTrue(errors.get(0).toString().contains("../../x"), errors.get(0).toString());
        VisibleVectors.assertCentralMatches(centrals.open(central), provider());
    }

    /** This cloud's object-created events, routed to the work queue, are pushed by the worker as by the event handler. */
    @Test
    void createdEventsThroughTheWorkerArePushed() {
        String central = newCentral("worker-events");
        String snapshot = "worker" + NAMES.incrementAndGet();
        List<SpokeObject> objects = List.of(
                upload("contract/stance/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl")),
                upload("contract/stance/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl")));

        Delivery delivery = deliverWork(workerEnv(central), objects.stream().map(this::createdEventBody).toList());

        assertFalse(delivery.redelivered(), delivery.lines().toString());
        assertFalse(delivery.lines().isEmpty());
        for (JsonNode line : delivery.lines()) {
            assertEquals("succeeded", line.get("outcome").asText(), line.toString());
            assertEquals(VisibleVectors.ACCOUNT, line.get("account").asText());
        }
        VisibleVectors.assertCentralMatches(centrals.open(central), provider());
    }

    // ------------------------------------------------------------------------------------

    /** The visible scan under a fresh prefix of this cloud's spoke, with the manifest naming its snapshot: its location. */
    private String uploadVisibleScan(String purpose) {
        String prefix = "contract/" + purpose + "-" + NAMES.incrementAndGet() + "/stance";
        String snapshot = "20261125-090000";
        upload(prefix + "/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        upload(prefix + "/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        SpokeObject manifest = upload(prefix + "/snapshots/manifest.json",
                ("{\"snapshots\": [{\"id\": \"" + snapshot + "\"}]}").getBytes(StandardCharsets.UTF_8));
        return spokeLocation(manifest.container(), prefix);
    }

    /** The worker's environment: {@link #env} and this cloud's work queue. */
    private Map<String, String> workerEnv(String central) {
        Map<String, String> env = env(central, VisibleVectors.ACCOUNT);
        env.put("STANCE_WORK_QUEUE", workQueue());
        return env;
    }

    /** A fresh, empty S3 central on moto. */
    protected static String newCentral(String purpose) {
        return centrals.create(CentralStores.Kind.S3, "contract-" + purpose + "-" + NAMES.incrementAndGet());
    }

    /** The handler's environment: the emulators' settings (for a runtime in a child process) and the central. */
    protected static Map<String, String> env(String central, String account) {
        Map<String, String> env = new HashMap<>(centrals.environment());
        env.put("STANCE_CENTRAL_URI", central);
        if (account != null) {
            env.put("STANCE_ACCOUNT_ID", account);
        }
        return env;
    }

    /** The endpoint setting of {@code kind} pointing at a loopback port nothing listens on. */
    private static Map<String, String> deadEndpoint(CentralStores.Kind kind) {
        String endpoint = "http://127.0.0.1:" + closedPort();
        return switch (kind) {
            // Only the variable: this JVM's S3 client is built once from aws.endpointUrlS3 and must
            // stay on moto, so a dead S3 central is for handlers that run in a child process.
            case S3 -> Map.of("AWS_ENDPOINT_URL_S3", endpoint);
            case GCS -> Map.of(GCSStorageAdapter.EMULATOR_HOST_VARIABLE, endpoint);
            case AZURE -> Map.of("AZURE_STORAGE_CONNECTION_STRING",
                    azurite.connectionString().replace(azurite.blobEndpoint(), endpoint + "/" + AzuriteServer.ACCOUNT));
        };
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
