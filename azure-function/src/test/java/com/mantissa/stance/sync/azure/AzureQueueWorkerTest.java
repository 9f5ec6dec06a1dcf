package com.mantissa.stance.sync.azure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The Azure fan-out on Azurite's queue service: the timer sends one message per source to the
 * storage queue; the queue-triggered function pushes the source one batch per invocation (no
 * time budget) and sends each continuation to the same queue, as the host would deliver them.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureQueueWorkerTest {
    private static final String SNAPSHOT = "20261125-090000";

    @Test
    void timerSendsTheSourceAndTheQueueWorkerPushesItThroughContinuations(AzuriteServer azurite, MotoServer moto) {
        String spoke = "az-worker-spoke";
        String centralBucket = "az-worker-central";
        moto.createBucket(spoke);
        moto.createBucket(centralBucket);
        var s3 = moto.setupClient();
        s3.putObject(b -> b.bucket(spoke).key("stance/findings/" + SNAPSHOT + "/findings.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("findings.jsonl")));
        s3.putObject(b -> b.bucket(spoke).key("stance/assets/" + SNAPSHOT + "/assets.jsonl"),
                RequestBody.fromBytes(VisibleVectors.scanFile("assets.jsonl")));
        s3.putObject(b -> b.bucket(spoke).key("stance/snapshots/manifest.json"),
                RequestBody.fromString("{\"snapshots\": [{\"id\": \"" + SNAPSHOT + "\"}]}"));
        String queueName = "stance-work-test";
        // The host decodes the Base64 the queue holds before it calls the function.
        QueueClient queue = new QueueClientBuilder().connectionString(azurite.connectionString()).queueName(queueName)
                .messageEncoding(QueueMessageEncoding.BASE64).buildClient();
        queue.createIfNotExists();
        StanceSyncFunctions functions = new StanceSyncFunctions(Map.of(
                "STANCE_CENTRAL_URI", "s3://" + centralBucket,
                "STANCE_SOURCES", "s3://" + spoke + "/stance|" + VisibleVectors.ACCOUNT + "|" + VisibleVectors.PROVIDER,
                "STANCE_WORK_QUEUE", "azq://" + AzuriteServer.ACCOUNT + "/" + queueName,
                "STANCE_BATCH_SIZE", "10",
                "STANCE_TIME_BUDGET", "0"));

        RecordingExecutionContext timer = new RecordingExecutionContext("StanceScheduledSync");
        functions.onTimer("{}", timer);
        String timerLog = timer.records().stream().map(r -> r.getMessage()).collect(Collectors.joining("\n"));
        assertTrue(timerLog.contains("1 source message(s) sent"), timerLog);

        int invocations = 0;
        while (true) {
            List<QueueMessageItem> received = queue.receiveMessages(10, Duration.ofSeconds(60), null, null)
                    .stream().toList();
            if (received.isEmpty()) {
                break;
            }
            for (QueueMessageItem item : received) {
                functions.onQueue(item.getBody().toString(), item.getMessageId(),
                        new RecordingExecutionContext("StanceQueueWorker"));
                queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
                invocations++;
            }
            assertTrue(invocations < 50, "the continuations come to an end");
        }

        // 52 records, one batch of at most 10 per invocation.
        assertTrue(invocations >= 6, "invocations: " + invocations);
        try (S3StorageAdapter central = new S3StorageAdapter(centralBucket)) {
            VisibleVectors.assertCentralMatches(central);
        }
    }
}
