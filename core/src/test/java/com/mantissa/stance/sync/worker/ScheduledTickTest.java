package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one tick: with a work queue the sources go to the queue, and the tick still runs the export,
 * the stale-account check and the pull that are configured; without one it catches the sources
 * up itself and runs the same lifecycle.
 */
@org.junit.jupiter.api.Tag("slow")
@ExtendWith(Emulators.class)
class ScheduledTickTest {

    @Test
    void aTickThatFansOutStillExportsAndPulls(MotoServer moto, @TempDir Path dir) throws IOException {
        Path central = seededCentral(dir);
        String url;
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(MotoServer.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build()) {
            url = sqs.createQueue(b -> b.queueName("tick-fan-out")).queueUrl();
        }
        Map<String, String> env = Map.of("STANCE_CENTRAL_URI", central.toString(),
                "STANCE_WORK_QUEUE", url,
                "STANCE_SOURCES", "s3://some-spoke/stance|acct-9|aws",
                "STANCE_EXPORT_TARGET", dir.resolve("export").toString(),
                "STANCE_PULL_TARGET", dir.resolve("pulled").toString());

        BatchOutcome outcome = ScheduledTick.run(SyncFunction.fromEnvironment(env), "tick-1", "schedule");

        String lines = outcome.entries().stream().map(LogEntry::toJson).collect(Collectors.joining("\n"));
        assertFalse(outcome.redeliver(), lines);
        assertTrue(lines.contains("1 source message(s) sent"), lines);
        assertTrue(Files.readString(dir.resolve("export/snapshots/manifest.json")).contains("\"finding_count\": 2"),
                "the export ran after the fan-out: " + lines);
        try (Stream<Path> pulled = Files.walk(dir.resolve("pulled"))) {
            assertEquals(2, pulled.filter(p -> p.toString().contains("/findings/") && Files.isRegularFile(p)).count(),
                    "the pull ran after the fan-out: " + lines);
        }
        try (WorkQueue queue = WorkQueues.open(url)) {
            List<QueueMessage> sent = queue.receive(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
            assertEquals(1, sent.size());
            assertTrue(sent.get(0).body().contains("acct-9"), sent.get(0).body());
        }
    }

    @Test
    void aTickWithNothingConfiguredSaysSoInOneLine(@TempDir Path dir) {
        BatchOutcome outcome = ScheduledTick.run(SyncFunction.fromEnvironment(Map.of("STANCE_CENTRAL_URI",
                dir.toString())), "tick-2", "schedule");

        assertEquals(1, outcome.entries().size());
        assertTrue(outcome.entries().get(0).toJson().contains("nothing to do"), outcome.entries().get(0).toJson());
    }

    /** A central folder holding two findings of one account, pushed by the CLI. */
    private static Path seededCentral(Path dir) throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Files.writeString(scan.resolve("findings.jsonl"), """
                {"id": "f-1", "finding_type": "misconfiguration", "severity": "high", "status": "open", "title": "One"}
                {"id": "f-2", "finding_type": "misconfiguration", "severity": "low", "status": "open", "title": "Two"}
                """);
        Path central = dir.resolve("central");
        int exit = com.mantissa.stance.sync.testing.CliRunner.run("push", "--source", scan.toString(), "--central",
                central.toString(), "--account", "acct-1", "--provider", "aws", "--quiet").exitCode();
        assertEquals(0, exit);
        return central;
    }
}
