package com.mantissa.stance.sync.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The Cloud Scheduler -> Pub/Sub -> function path, through the real Functions Framework invoker:
 * a spoke's scan in S3 (moto) is caught up into an S3 central, configured only by STANCE_*
 * variables in the function's environment.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GcpScheduledSyncFunctionTest {
    private static final String CENTRAL = "gcp-sched-central";
    private static final String SPOKE = "gcp-sched-spoke";
    private static final String SNAPSHOT = "20261125-090000";

    private static FunctionsFrameworkInvoker invoker;

    @BeforeAll
    static void deploy(MotoServer moto) {
        moto.createBucket(CENTRAL);
        moto.createBucket(SPOKE);
        var s3 = moto.setupClient();
        s3.putObject(b -> b.bucket(SPOKE).key("stance/findings/" + SNAPSHOT + "/findings.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("findings.jsonl")));
        s3.putObject(b -> b.bucket(SPOKE).key("stance/assets/" + SNAPSHOT + "/assets.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("assets.jsonl")));
        s3.putObject(b -> b.bucket(SPOKE).key("stance/snapshots/manifest.json"),
                RequestBody.fromString("{\"snapshots\": [{\"id\": \"" + SNAPSHOT + "\"}]}"));

        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("STANCE_CENTRAL_URI", "s3://" + CENTRAL);
        env.put("STANCE_SOURCES", "s3://" + SPOKE + "/stance|" + VisibleVectors.ACCOUNT + "|" + VisibleVectors.PROVIDER);
        invoker = FunctionsFrameworkInvoker.start(ScheduledSyncFunction.class, env);
    }

    @AfterAll
    static void undeploy() {
        if (invoker != null) {
            invoker.close();
        }
    }

    @Test
    void schedulerTickCatchesUpTheSourceAndARepeatedTickRewritesNothing() {
        int before = invoker.jsonLines().size();

        HttpResponse<String> first = publishTick("tick-1");
        assertEquals(200, first.statusCode(), invoker.output());
        try (S3StorageAdapter central = new S3StorageAdapter(CENTRAL)) {
            // Same keys and byte-identical records as the original engine writes for this scan.
            VisibleVectors.assertCentralMatches(central);
        }
        Map<String, Object> firstLine = onlyLineSince(before);
        assertEquals("INFO", firstLine.get("severity"));
        assertEquals("succeeded", firstLine.get("outcome"));
        assertEquals("pubsub:stance-sync-schedule", firstLine.get("trigger"));
        assertEquals(52L, result(firstLine).get("records_synced"));

        int afterFirst = invoker.jsonLines().size();
        HttpResponse<String> second = publishTick("tick-2");
        assertEquals(200, second.statusCode(), invoker.output());
        Map<String, Object> secondLine = onlyLineSince(afterFirst);
        assertEquals("succeeded", secondLine.get("outcome"));
        assertEquals(0L, result(secondLine).get("records_synced"));
        try (S3StorageAdapter central = new S3StorageAdapter(CENTRAL)) {
            // Still version 1 everywhere: nothing was rewritten.
            VisibleVectors.assertCentralMatches(central);
        }
    }

    @Test
    void eventOfAnotherTypeIsIgnoredWithoutSyncing() {
        int before = invoker.jsonLines().size();
        Map<String, String> ce = FunctionsFrameworkInvoker.storageEventAttributes(
                "google.cloud.storage.object.v1.finalized", SPOKE, "stance/findings/x/findings.jsonl", "misrouted-1");

        HttpResponse<String> response = invoker.post(ce, "{\"bucket\": \"" + SPOKE + "\", \"name\": \"x\"}");

        assertEquals(200, response.statusCode(), invoker.output());
        Map<String, Object> line = onlyLineSince(before);
        assertEquals("DEBUG", line.get("severity"));
        assertEquals("ignored", line.get("outcome"));
        assertEquals(0L, result(line).get("records_synced"));
    }

    /** What Cloud Scheduler's Pub/Sub target publishes, as Eventarc delivers it (MessagePublishedData). */
    private static HttpResponse<String> publishTick(String id) {
        String data = Base64.getEncoder().encodeToString(
                "stance-sync scheduled catch-up".getBytes(StandardCharsets.UTF_8));
        String body = "{\"subscription\": \"projects/hub-project/subscriptions/eventarc-us-central1-stance-sync-schedule-000\","
                + " \"message\": {\"attributes\": {\"origin\": \"cloud-scheduler\"}, \"data\": \"" + data + "\","
                + " \"messageId\": \"" + id + "\", \"message_id\": \"" + id + "\","
                + " \"publishTime\": \"2026-11-25T09:00:00.123Z\", \"publish_time\": \"2026-11-25T09:00:00.123Z\"}}";
        return invoker.post(FunctionsFrameworkInvoker.pubsubEventAttributes("hub-project", "stance-sync-schedule", id), body);
    }

    private static Map<String, Object> onlyLineSince(int before) {
        List<String> lines = invoker.jsonLines();
        assertEquals(before + 1, lines.size(), "exactly one log line per invocation:\n" + invoker.output());
        Map<String, Object> line = JsonParser.parseObject(lines.get(lines.size() - 1));
        assertTrue(line.containsKey("message"), "Cloud Logging reads 'message'");
        return line;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(Map<String, Object> line) {
        return (Map<String, Object>) line.get("result");
    }
}
