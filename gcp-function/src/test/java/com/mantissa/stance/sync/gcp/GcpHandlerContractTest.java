package com.mantissa.stance.sync.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.HandlerContract;
import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.PubSubEmulator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/**
 * The handler contract through the storage-finalized function running in the real Functions
 * Framework invoker (a child JVM per configuration): CloudEvents in binary mode with the data
 * Cloud Storage sends. Eventarc delivers one object per invocation; a 500 answer is what makes
 * a retry-enabled trigger redeliver. The worker scenarios run the Pub/Sub worker function the
 * same way, one message per invocation.
 */
@org.junit.jupiter.api.Tag("slow")
class GcpHandlerContractTest extends HandlerContract {
    private static final String SPOKE = "contract-gcp-spoke";
    private static final AtomicInteger EVENT_IDS = new AtomicInteger();
    private static final String WORK_TOPIC = "contract-work";
    private static final Map<Map<String, String>, FunctionsFrameworkInvoker> INVOKERS = new HashMap<>();
    private static final Map<Map<String, String>, FunctionsFrameworkInvoker> WORKERS = new HashMap<>();

    @AfterAll
    static void undeploy() {
        INVOKERS.values().forEach(FunctionsFrameworkInvoker::close);
        INVOKERS.clear();
        WORKERS.values().forEach(FunctionsFrameworkInvoker::close);
        WORKERS.clear();
    }

    @Override
    protected String provider() {
        return "gcp";
    }

    @Override
    protected int eventsPerInvocation() {
        return 1;
    }

    @Override
    protected CentralStores.Kind unreachableKind() {
        return CentralStores.Kind.S3;
    }

    @Override
    protected SpokeObject upload(String key, byte[] content) {
        gcs.createBucket(SPOKE);
        try (GCSStorageAdapter spoke = new GCSStorageAdapter(SPOKE)) {
            spoke.writeRecord(key, content, WriteCondition.NONE);
        }
        return new SpokeObject(SPOKE, key);
    }

    @Override
    protected Delivery deliverCreated(Map<String, String> env, List<SpokeObject> objects) {
        FunctionsFrameworkInvoker invoker = invoker(env);
        int before = invoker.jsonLines().size();
        boolean redelivered = false;
        for (SpokeObject object : objects) {
            HttpResponse<String> response = invoker.post(FunctionsFrameworkInvoker.storageEventAttributes(
                    StorageObjectFinalizedFunction.FINALIZED, object.container(), object.key(), nextId()),
                    FunctionsFrameworkInvoker.storageObjectData(object.container(), object.key()));
            redelivered |= status(response, invoker) == 500;
        }
        return new Delivery(redelivered, linesSince(invoker, before));
    }

    @Override
    protected Delivery deliverMalformed(Map<String, String> env) {
        FunctionsFrameworkInvoker invoker = invoker(env);
        int before = invoker.jsonLines().size();
        HttpResponse<String> response = invoker.post(FunctionsFrameworkInvoker.storageEventAttributes(
                StorageObjectFinalizedFunction.FINALIZED, SPOKE, "", nextId()),
                "{\"kind\": \"storage#object\", \"bucket\": \"" + SPOKE + "\"}");
        return new Delivery(status(response, invoker) == 500, linesSince(invoker, before));
    }

    /** One Pub/Sub message per invocation of the worker function, as Eventarc delivers them. */
    @Override
    protected Delivery deliverWork(Map<String, String> env, List<String> bodies) {
        FunctionsFrameworkInvoker invoker = WORKERS.computeIfAbsent(Map.copyOf(env),
                e -> FunctionsFrameworkInvoker.start(PubSubWorkerFunction.class, e));
        int before = invoker.jsonLines().size();
        boolean redelivered = false;
        for (String body : bodies) {
            String id = nextId();
            String data = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = invoker.post(FunctionsFrameworkInvoker.pubsubEventAttributes(
                    PubSubEmulator.PROJECT, WORK_TOPIC, id), "{\"subscription\": \"projects/" + PubSubEmulator.PROJECT
                    + "/subscriptions/eventarc-work\", \"message\": {\"data\": \"" + data + "\", \"messageId\": \""
                    + id + "\", \"publishTime\": \"2026-11-25T09:00:00.123Z\"}}");
            redelivered |= status(response, invoker) == 500;
        }
        return new Delivery(redelivered, linesSince(invoker, before));
    }

    @Override
    protected String workQueue() {
        return "pubsub://" + PubSubEmulator.PROJECT + "/" + WORK_TOPIC;
    }

    @Override
    protected String spokeLocation(String container, String prefix) {
        return "gs://" + container + "/" + prefix;
    }

    /** A Pub/Sub notification's data: the object resource. */
    @Override
    protected String createdEventBody(SpokeObject object) {
        return FunctionsFrameworkInvoker.storageObjectData(object.container(), object.key());
    }

    private static FunctionsFrameworkInvoker invoker(Map<String, String> env) {
        return INVOKERS.computeIfAbsent(Map.copyOf(env),
                e -> FunctionsFrameworkInvoker.start(StorageObjectFinalizedFunction.class, e));
    }

    /** 200 (acknowledged) or 500 (redeliver); anything else is a broken handler. */
    private static int status(HttpResponse<String> response, FunctionsFrameworkInvoker invoker) {
        if (response.statusCode() != 200 && response.statusCode() != 500) {
            throw new AssertionError("unexpected status " + response.statusCode() + ":\n" + invoker.output());
        }
        return response.statusCode();
    }

    private static List<JsonNode> linesSince(FunctionsFrameworkInvoker invoker, int before) {
        List<String> lines = invoker.jsonLines();
        return lines.subList(before, lines.size()).stream().map(EventJson::parse).toList();
    }

    private static String nextId() {
        return "contract-event-" + EVENT_IDS.incrementAndGet();
    }
}
