package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.PubSubEmulator;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The GCP fan-out through the real Functions Framework invoker and Google's Pub/Sub emulator:
 * a tick publishes one message per source to the work topic; the worker function pushes the
 * source one batch per invocation (no time budget) and publishes each continuation to the topic.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GcpPubSubWorkerFunctionTest {
    private static final String CENTRAL = "gcp-worker-central";
    private static final String SPOKE = "gcp-worker-spoke";
    private static final String SNAPSHOT = "20261125-090000";
    private static final String TOPIC = "stance-sync-work";
    private static final String SUBSCRIPTION = "stance-sync-work-test";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static FunctionsFrameworkInvoker scheduler;
    private static FunctionsFrameworkInvoker worker;
    private static PubSubEmulator pubsub;

    @BeforeAll
    static void deploy(MotoServer moto, PubSubEmulator emulator) {
        pubsub = emulator;
        moto.createBucket(CENTRAL);
        moto.createBucket(SPOKE);
        var s3 = moto.setupClient();
        s3.putObject(b -> b.bucket(SPOKE).key("stance/findings/" + SNAPSHOT + "/findings.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("findings.jsonl")));
        s3.putObject(b -> b.bucket(SPOKE).key("stance/assets/" + SNAPSHOT + "/assets.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("assets.jsonl")));
        s3.putObject(b -> b.bucket(SPOKE).key("stance/snapshots/manifest.json"),
                RequestBody.fromString("{\"snapshots\": [{\"id\": \"" + SNAPSHOT + "\"}]}"));
        pubsub.createTopic(TOPIC);
        pubsub.createSubscription(TOPIC, SUBSCRIPTION, 60, null, 0);

        Map<String, String> env = new HashMap<>(moto.environment());
        env.putAll(pubsub.environment());
        env.put("STANCE_CENTRAL_URI", "s3://" + CENTRAL);
        env.put("STANCE_SOURCES", "s3://" + SPOKE + "/stance|" + VisibleVectors.ACCOUNT + "|" + VisibleVectors.PROVIDER);
        env.put("STANCE_WORK_QUEUE", "pubsub://" + PubSubEmulator.PROJECT + "/" + TOPIC);
        env.put("STANCE_BATCH_SIZE", "10");
        env.put("STANCE_TIME_BUDGET", "0");
        scheduler = FunctionsFrameworkInvoker.start(ScheduledSyncFunction.class, env);
        worker = FunctionsFrameworkInvoker.start(PubSubWorkerFunction.class, env);
    }

    @AfterAll
    static void undeploy() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void tickPublishesTheSourceAndTheWorkerPushesItThroughContinuations() throws Exception {
        HttpResponse<String> tick = scheduler.post(FunctionsFrameworkInvoker.pubsubEventAttributes(
                PubSubEmulator.PROJECT, "stance-sync-schedule", "tick-1"), published("tick-1", "tick"));
        assertEquals(200, tick.statusCode(), scheduler.output());
        assertTrue(scheduler.output().contains("1 source message(s) sent"), scheduler.output());

        int invocations = 0;
        while (true) {
            List<Map<String, Object>> messages = pull();
            if (messages.isEmpty()) {
                break;
            }
            for (Map<String, Object> m : messages) {
                @SuppressWarnings("unchecked")
                Map<String, Object> message = (Map<String, Object>) m.get("message");
                String id = (String) message.get("messageId");
                String body = new String(java.util.Base64.getDecoder().decode((String) message.get("data")),
                        StandardCharsets.UTF_8);
                HttpResponse<String> response = worker.post(FunctionsFrameworkInvoker.pubsubEventAttributes(
                        PubSubEmulator.PROJECT, TOPIC, id), published(id, body));
                assertEquals(200, response.statusCode(), worker.output());
                ack((String) m.get("ackId"));
                invocations++;
            }
            assertTrue(invocations < 50, "the continuations come to an end: " + worker.output());
        }

        // 52 records, one batch of at most 10 per invocation.
        assertTrue(invocations >= 6, invocations + " invocations:\n" + worker.output());
        try (S3StorageAdapter central = new S3StorageAdapter(CENTRAL)) {
            VisibleVectors.assertCentralMatches(central);
        }
    }

    /** A Pub/Sub message as Eventarc delivers it (MessagePublishedData). */
    private static String published(String id, String data) {
        String encoded = java.util.Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
        return "{\"subscription\": \"projects/" + PubSubEmulator.PROJECT + "/subscriptions/eventarc-work\","
                + " \"message\": {\"data\": \"" + encoded + "\", \"messageId\": \"" + id + "\","
                + " \"publishTime\": \"2026-11-25T09:00:00.123Z\"}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pull() throws Exception {
        String json = call(":pull", "{\"maxMessages\": 10, \"returnImmediately\": true}");
        Object received = JsonParser.parseObject(json).get("receivedMessages");
        return received == null ? List.of() : new ArrayList<>((List<Map<String, Object>>) received);
    }

    private static void ack(String ackId) throws Exception {
        call(":acknowledge", "{\"ackIds\": [\"" + ackId + "\"]}");
    }

    private static String call(String verb, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + pubsub.host() + "/v1/projects/"
                        + PubSubEmulator.PROJECT + "/subscriptions/" + SUBSCRIPTION + verb))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
