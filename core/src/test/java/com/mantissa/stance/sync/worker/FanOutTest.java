package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A tick sends one message per source, from the sources file and STANCE_SOURCES, to moto's SQS. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class FanOutTest {

    @Test
    void aTickSendsOneMessagePerSourceAndReportsBadLines(MotoServer moto, @TempDir Path dir) {
        SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        String url = sqs.createQueue(b -> b.queueName("fan-out-tick")).queueUrl();
        Path sources = dir.resolve("sources.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            lines.append("{\"location\": \"s3://spoke-").append(i).append("/stance\", \"account\": \"acct-").append(i)
                    .append("\"}\n");
        }
        lines.append("{\"location\": \"s3://spoke-x\", \"account\": \"a/b\"}\n");
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI, "s3://central",
                FunctionSettings.SOURCES, "gs://gcp-spoke/stance|proj-1|gcp"));
        try (WorkQueue queue = WorkQueues.open(url); Stores stores = new Stores()) {
            FanOut.Result result = FanOut.enqueue(settings, writeString(sources, lines.toString()).toString(), queue, stores);

            assertEquals(26, result.sent());
            assertEquals(1, result.errors().size(), result.errors()::toString);
            assertTrue(result.errors().get(0).contains("line 26"), result.errors().get(0));
            assertFalse(result.retryable());
            Set<String> accounts = new HashSet<>();
            List<QueueMessage> all = new ArrayList<>();
            List<QueueMessage> batch;
            while (!(batch = queue.receive(10, Duration.ofSeconds(60), Duration.ofSeconds(1))).isEmpty()) {
                all.addAll(batch);
            }
            for (QueueMessage m : all) {
                EventDecoder.SourcePush work = EventDecoder.message(m.id(), m.body(), null).sources().get(0);
                accounts.add(work.source().accountId());
                assertEquals(0, work.continuation());
                queue.ack(m);
            }
            assertEquals(26, all.size());
            assertEquals(26, accounts.size());
            assertTrue(accounts.contains("proj-1"));
        }
    }

    private static Path writeString(Path path, String text) {
        try {
            return Files.writeString(path, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
