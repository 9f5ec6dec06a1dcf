package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker's exit codes, as a user runs it: a setting it cannot take and a central it cannot
 * use stop it at once with exit 2 and leave the messages on the queue; messages that failed make
 * it exit 1 with {@code "success": false}.
 */
@org.junit.jupiter.api.Tag("slow")
@ExtendWith(Emulators.class)
class WorkerExitCodesTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static MotoServer moto;
    private static SqsClient sqs;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
        sqs = SqsClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    @Test
    void aMissingCentralBucketStopsTheWorkerWithExit2AndLeavesTheMessage() {
        String queue = queueWith("{\"stance_sync\": \"source\", \"location\": \"s3://no-spoke/scan\", "
                + "\"account\": \"111111111111\", \"provider\": \"aws\"}");

        CliProcess.Result r = CliProcess.run(moto.environment(), Duration.ofSeconds(120), "worker", "--queue", queue,
                "--central", "s3://no-such-central-bucket-" + SEQUENCE.incrementAndGet(), "--exit-when-idle", "2s");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("STANCE_CENTRAL_URI"), r.err());
        assertEquals(1, messagesLeft(queue), "the message stays for a worker that can use central");
    }

    @Test
    void failedMessagesMakeTheWorkerExit1WithSuccessFalse(@TempDir Path dir) {
        String queue = queueWith("not json at all");

        CliProcess.Result r = CliProcess.run(moto.environment(), Duration.ofSeconds(120), "worker", "--queue", queue,
                "--central", dir.resolve("central").toString(), "--exit-when-idle", "2s");

        assertEquals(1, r.exitCode(), r.err());
        Map<String, Object> summary = JsonParser.parseObject(r.out().strip());
        assertEquals(false, summary.get("success"), r.out());
        assertEquals(1L, summary.get("failed"), r.out());
    }

    @Test
    void aSettingTheWorkerCannotTakeIsExit2NamingIt(@TempDir Path dir) {
        String queue = queueWith("{}");
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("STANCE_BATCH_SIZE", "abc");
        env.put("STANCE_INDEX_MAX_AGE", "1h30m");

        CliProcess.Result r = CliProcess.run(env, Duration.ofSeconds(120), "worker", "--queue", queue, "--central",
                dir.resolve("central").toString(), "--exit-when-idle", "1s");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("STANCE_BATCH_SIZE") && r.err().contains("'abc'"), r.err());
        assertEquals(1, messagesLeft(queue), "nothing was taken");
    }

    @Test
    void theShortDurationSyntaxIsTakenByEveryDurationVariable(@TempDir Path dir) {
        String queue = queueWith("{\"Service\": \"Amazon S3\", \"Event\": \"s3:TestEvent\"}");
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("STANCE_INDEX_MAX_AGE", "1h30m");
        env.put("STANCE_DEADLINE", "90s");
        env.put("STANCE_STALE_AFTER", "7d");
        env.put("STANCE_TIME_BUDGET", "500ms");
        env.put("STANCE_REQUEST_TIMEOUT", "10s");
        env.put("STANCE_CONNECT_TIMEOUT", "5s");

        CliProcess.Result r = CliProcess.run(env, Duration.ofSeconds(120), "worker", "--queue", queue, "--central",
                dir.resolve("central").toString(), "--exit-when-idle", "2s");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals(1L, JsonParser.parseObject(r.out().strip()).get("ignored"), r.out());
    }

    private static String queueWith(String body) {
        String url = sqs.createQueue(b -> b.queueName("exit-codes-" + SEQUENCE.incrementAndGet())).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
        return url;
    }

    private static long messagesLeft(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
