package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code push --notify} against moto's SNS, read through an SQS queue subscribed to the topic:
 * severities rising and falling, findings resolved by a resolve pass, and an unchanged re-push.
 * The digests received carry exactly the changes at or above the threshold that the change feed
 * recorded for each push, and nothing is sent for a push that changed nothing.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class NotifyPushEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "444455556666";
    private static String topicArn;
    private static String queueUrl;

    @BeforeAll
    static void topicWithQueue(MotoServer moto) {
        AwsBasicCredentials keys = AwsBasicCredentials.create("testing", "testing");
        try (SnsClient sns = SnsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(MotoServer.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(keys)).build();
             SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                     .region(Region.of(MotoServer.REGION)).httpClient(UrlConnectionHttpClient.create())
                     .credentialsProvider(StaticCredentialsProvider.create(keys)).build()) {
            topicArn = sns.createTopic(b -> b.name("push-changes")).topicArn();
            queueUrl = sqs.createQueue(b -> b.queueName("push-changes-inbox")).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                    .attributes(Map.of("RawMessageDelivery", "true")));
        }
    }

    private static String finding(String id, String severity, String status) {
        return "{\"id\": \"" + id + "\", \"finding_type\": \"misconfiguration\", \"severity\": \"" + severity
                + "\", \"status\": \"" + status + "\", \"title\": \"Finding " + id + "\"}\n";
    }

    private static CliRunner.Result push(Path scan, Path central, String snapshotText) throws IOException {
        Files.writeString(scan.resolve("findings.jsonl"), snapshotText);
        return CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(), "--account",
                ACCOUNT, "--provider", "aws", "--resolve-missing", "--resolve-max-share", "1", "--notify", topicArn,
                "--notify-min-severity", "high");
    }

    @Test
    void eachPushThatChangedSomethingAtTheThresholdSendsExactlyTheChangesTheFeedRecorded(@TempDir Path dir)
            throws Exception {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Path central = dir.resolve("central");
        try (WorkQueue inbox = WorkQueues.open(queueUrl)) {
            // 1: three opened, one of them below the threshold.
            assertEquals(0, push(scan, central, finding("a", "critical", "open") + finding("b", "high", "open")
                    + finding("c", "low", "open")).exitCode());
            List<JsonNode> first = received(inbox, 1);
            assertEquals(List.of("a:opened", "b:opened"), changes(first));
            assertEquals(2, first.get(0).get("counts").get("opened").asInt());

            // 2: the same snapshot again: nothing changed, nothing sent.
            CliRunner.Result same = push(scan, central, finding("a", "critical", "open") + finding("b", "high", "open")
                    + finding("c", "low", "open"));
            assertEquals(0, same.exitCode(), same.err());
            assertEquals(List.of(), received(inbox, 0));

            // 3: a falls to low (told: it was critical), c rises to critical, b disappears (resolved by the pass),
            // d opens below the threshold.
            CliRunner.Result third = push(scan, central, finding("a", "low", "open") + finding("c", "critical", "open")
                    + finding("d", "medium", "open"));
            assertEquals(0, third.exitCode(), third.err());
            List<JsonNode> digests = received(inbox, 1);
            assertEquals(List.of("a:severity_changed", "b:resolved", "c:severity_changed"), changes(digests));
            JsonNode a = digests.get(0).get("changes").get(0);
            assertEquals("critical", a.get("previous_severity").asText());
            assertEquals("low", a.get("severity").asText());

            // Every change told is one the change feed recorded, field for field, and the push ids match.
            List<JsonNode> told = new ArrayList<>();
            first.forEach(d -> d.get("changes").forEach(told::add));
            digests.forEach(d -> d.get("changes").forEach(told::add));
            List<JsonNode> recorded = feedAtOrAboveHigh(central);
            assertEquals(recorded.size(), told.size(), "feed: " + recorded + "\ntold: " + told);
            assertTrue(recorded.containsAll(told) && told.containsAll(recorded), "feed: " + recorded + "\ntold: " + told);
        }
    }

    @Test
    void aDigestThatCannotBeSentIsAnErrorOfThePushWhichItselfWentThrough(@TempDir Path dir) throws Exception {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Path central = dir.resolve("central");
        Files.writeString(scan.resolve("findings.jsonl"), finding("x", "critical", "open"));

        CliRunner.Result r = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(),
                "--account", ACCOUNT, "--provider", "aws", "--json", "--notify", "arn:aws:sns:" + MotoServer.REGION
                        + ":123456789012:no-such-topic");

        assertEquals(1, r.exitCode(), r.err());
        JsonNode result = JSON.readTree(r.out());
        assertEquals(1, result.get("records_synced").asInt(), r.out());
        String error = result.get("errors").get(0).asText();
        assertTrue(error.startsWith("notification: notifying arn:aws:sns:") && error.contains("stopped at part 1 of 1 (0 sent)")
                && error.contains("NotFound"), error);
        assertEquals(1, feedAtOrAboveHigh(central).size(), "the change is in the change feed");
    }

    @Test
    void aScheduledPushOfTheFunctionSendsItsDigest(@TempDir Path dir) throws Exception {
        Path scan = Files.createDirectories(dir.resolve("spoke"));
        Path central = dir.resolve("central");
        Files.writeString(scan.resolve("findings.jsonl"), finding("ev-1", "high", "open") + finding("ev-2", "info", "open"));
        com.mantissa.stance.sync.function.SyncFunction function = com.mantissa.stance.sync.function.SyncFunction
                .fromEnvironment(Map.of("STANCE_CENTRAL_URI", central.toString(), "STANCE_NOTIFY_URI", topicArn,
                        "STANCE_SOURCES", scan.toUri() + "|" + ACCOUNT + "|aws"));
        try (WorkQueue inbox = WorkQueues.open(queueUrl)) {
            var outcome = function.handle(List.of(com.mantissa.stance.sync.function.FunctionEvent.tick("t-1",
                    "schedule")));
            assertTrue(outcome.entries().get(0).result().success(), outcome.entries().get(0).toJson());
            assertEquals(1, feedAtOrAboveHigh(central).size(), outcome.entries().get(0).toJson() + " " + listing(central));
            assertEquals(List.of("ev-1:opened"), changes(received(inbox, 1)));

            function.handle(List.of(com.mantissa.stance.sync.function.FunctionEvent.tick("t-2", "schedule")));
            assertEquals(List.of(), received(inbox, 0), "an unchanged tick sends nothing");
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toString).toList();
        }
    }

    private static List<String> changes(List<JsonNode> digests) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : digests) {
            assertEquals(ACCOUNT, d.get("account").asText());
            assertEquals(1, d.get("version").asInt());
            d.get("changes").forEach(c -> out.add(c.get("id").asText() + ":" + c.get("change").asText()));
        }
        return out;
    }

    private static List<JsonNode> feedAtOrAboveHigh(Path central) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(central)) {
            for (Path f : files.filter(p -> p.toString().contains("_changes") && p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode c = JSON.readTree(line);
                    String now = c.get("severity").asText();
                    String before = c.get("previous_severity").asText("");
                    if (List.of("critical", "high").contains(now) || List.of("critical", "high").contains(before)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** The digests now in the inbox: exactly {@code expected} of them (waiting a little longer for none). */
    private static List<JsonNode> received(WorkQueue inbox, int expected) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(expected == 0 ? 3 : 30).toNanos();
        while (System.nanoTime() < deadline && (expected == 0 || out.size() < expected)) {
            for (QueueMessage m : inbox.receive(10, Duration.ofSeconds(30), Duration.ofSeconds(1))) {
                out.add(JSON.readTree(m.body()));
                inbox.ack(m);
            }
        }
        assertEquals(expected, out.size(), "digests received: " + out);
        return out;
    }
}
