package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The fan-out without a cloud, on moto's S3 and SQS: {@code stance-sync enqueue} puts one
 * message per source on a queue, several {@code stance-sync worker} processes with a short time
 * budget drain it into central; and moto's S3 bucket notifications feed a worker directly.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class QueueWorkerEndToEndTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static MotoServer moto;
    private static S3Client s3;
    private static SqsClient sqs;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
        s3 = server.setupClient();
        sqs = SqsClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    static String finding(String account, int i) {
        return "{\"id\": \"" + account + "-finding-" + i + "\", \"finding_type\": \"misconfiguration\", "
                + "\"severity\": \"high\", \"status\": \"open\", \"title\": \"Public bucket " + i + "\", "
                + "\"last_seen\": \"2026-11-20T10:00:00Z\"}";
    }

    private static void putScan(String bucket, String key, String account, int findings) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            lines.append(finding(account, i)).append('\n');
        }
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(lines.toString()));
    }

    /** id → _version of every record under {@code prefix} in {@code bucket}, state files excluded. */
    static Map<String, Long> centralVersions(String bucket, String prefix) {
        Map<String, Long> versions = new TreeMap<>();
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).forEach(page -> objects.addAll(page.contents()));
        for (S3Object o : objects) {
            if (o.key().contains("/_state/") || o.key().contains("/_changes/")) {
                continue;
            }
            Map<String, Object> record = JsonParser.parseObject(s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                    .asString(StandardCharsets.UTF_8));
            Long previous = versions.put((String) record.get("id"), (Long) record.get("_version"));
            assertEquals(null, previous, "one central object per id: " + record.get("id"));
        }
        return versions;
    }

    private static String createQueue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static long messagesLeft(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static Map<String, String> env() {
        return env(100);
    }

    private static Map<String, String> env(int batchSize) {
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("STANCE_BATCH_SIZE", Integer.toString(batchSize));
        env.put("STANCE_CONCURRENCY", "4");
        return env;
    }

    @Test
    void enqueuedSourcesDrainedBySeveralWorkersWithAShortBudgetLandExactlyOnce(@TempDir Path dir) throws Exception {
        int run = SEQUENCE.incrementAndGet();
        String spoke = "fanout-spoke-" + run;
        String central = "fanout-central-" + run;
        s3.createBucket(b -> b.bucket(spoke));
        s3.createBucket(b -> b.bucket(central));
        Map<String, Integer> expected = new TreeMap<>();
        StringBuilder sources = new StringBuilder();
        for (int s = 0; s < 6; s++) {
            String account = "1000000000" + (10 + s);
            // At 25 records a batch and a 300 ms budget, one snapshot of four batches needs a
            // chain of continuations, and the others, of two batches each, may need one.
            int findings = s == 0 ? 100 : 40;
            putScan(spoke, "acct-" + s + "/findings.jsonl", account, findings);
            expected.put(account, findings);
            sources.append("{\"location\": \"s3://").append(spoke).append("/acct-").append(s)
                    .append("\", \"account\": \"").append(account).append("\", \"provider\": \"aws\"}\n");
        }
        sources.append("{\"location\": \"s3://").append(spoke).append("/acct-x\"}\n");
        Path sourcesFile = Files.writeString(dir.resolve("sources.jsonl"), sources.toString());
        String queue = createQueue("fanout-" + run);

        CliProcess.Result enqueue = CliProcess.run(env(), Duration.ofSeconds(120), "enqueue", "--sources",
                sourcesFile.toString(), "--queue", queue);
        assertEquals(1, enqueue.exitCode(), "the bad line makes the run fail: " + enqueue.err());
        assertTrue(enqueue.err().contains("sources.jsonl line 7"), enqueue.err());
        assertEquals(6L, JsonParser.parseObject(enqueue.out().strip()).get("sent"));

        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<CliProcess.Result>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(pool.submit(() -> CliProcess.run(env(25), Duration.ofSeconds(400), "worker", "--queue", queue,
                    "--central", "s3://" + central + "/agg", "--time-budget", "300ms", "--exit-when-idle", "6s")));
        }
        long continuations = 0;
        long pushes = 0;
        for (Future<CliProcess.Result> f : workers) {
            CliProcess.Result r = f.get();
            assertEquals(0, r.exitCode(), r.err());
            Map<String, Object> summary = JsonParser.parseObject(r.out().strip());
            continuations += (Long) summary.get("continuations_sent");
            pushes += (Long) summary.get("pushes");
            assertEquals(0L, summary.get("failed"), r.err());
        }
        pool.shutdown();

        assertTrue(continuations >= 1, "the large snapshot was continued: " + continuations);
        // At least one push per message; a message whose visibility ran out on a loaded machine is
        // delivered again, and pushing it again is harmless (checked below).
        assertTrue(pushes >= 6 + continuations, "one push per message at least: " + pushes);
        Map<String, Long> versions = centralVersions(central, "agg");
        assertEquals(expected.values().stream().mapToInt(Integer::intValue).sum(), versions.size());
        expected.forEach((account, n) -> {
            for (int i = 0; i < n; i++) {
                assertEquals(1L, versions.get(account + "-finding-" + i), account + " finding " + i);
            }
        });
        assertEquals(0, messagesLeft(queue), "the queue is empty");
    }

    @Test
    void bucketNotificationsThroughSqsArePushedByAWorkerForTheNamedAccount() {
        int run = SEQUENCE.incrementAndGet();
        String spoke = "notify-spoke-" + run;
        String central = "notify-central-" + run;
        s3.createBucket(b -> b.bucket(spoke));
        s3.createBucket(b -> b.bucket(central));
        String queue = createQueue("notify-" + run);
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        s3.putBucketNotificationConfiguration(b -> b.bucket(spoke).notificationConfiguration(n -> n
                .queueConfigurations(QueueConfiguration.builder().queueArn(arn).events(Event.S3_OBJECT_CREATED).build())));
        putScan(spoke, "stance/findings/2026-11-30 10h/findings.jsonl", "222233334444", 120);
        s3.putObject(b -> b.bucket(spoke).key("stance/README.txt"), RequestBody.fromString("not a scan"));

        CliProcess.Result r = CliProcess.run(env(), Duration.ofSeconds(300), "worker", "--queue", queue,
                "--central", "s3://" + central + "/agg", "--account", "222233334444", "--exit-when-idle", "4s");

        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> summary = JsonParser.parseObject(r.out().strip());
        assertEquals(1L, summary.get("pushes"), r.err());
        assertEquals(0L, summary.get("failed"), r.err());
        Map<String, Long> versions = centralVersions(central, "agg");
        assertEquals(120, versions.size());
        versions.values().forEach(v -> assertEquals(1L, v));
        assertTrue(centralVersionsUnderAccount(central, "222233334444"), "records are filed under the named account");
        assertEquals(0, messagesLeft(queue), "the queue is empty");
    }

    private static boolean centralVersionsUnderAccount(String bucket, String account) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix("agg/")).contents().stream()
                .filter(o -> !o.key().contains("/_state/"))
                .allMatch(o -> o.key().contains("/" + account + "/"));
    }
}
