package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A batch of queue messages is decoded into the functions' events and pushed as they push theirs. */
class QueueWorkerBatchTest {

    @Test
    void theEventsOfABatchArePushedByOneSyncPerAccount() {
        MemoryStore spoke = new MemoryStore();
        for (String snapshot : List.of("a", "b")) {
            spoke.writeRecord("s/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
            spoke.writeRecord("s/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
        }
        WriteLog central = new WriteLog(new MemoryStore());
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));
        Map<String, StorageAdapter> buckets = Map.of("spoke", spoke, "central", central);
        SyncFunction function = new SyncFunction(settings, null, (StorageLocation l) -> buckets.get(l.bucketName()));
        StringWriter log = new StringWriter();
        QueueWorker worker = new QueueWorker(settings, function, null,
                new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(log));
        Map<String, String> batch = new LinkedHashMap<>();
        batch.put("m1", s3Event("s/findings/a/findings.jsonl"));
        batch.put("m2", eventBridge("s/findings/b/findings.jsonl", "acct-1"));
        batch.put("m3", eventBridge("s/assets/b/assets.jsonl", "acct-1"));
        batch.put("m4", eventBridge("s/assets/a/assets.jsonl", "acct-2"));
        batch.put("m5", "{\"Service\": \"Amazon S3\", \"Event\": \"s3:TestEvent\"}");
        batch.put("m6", "not json");
        batch.put("m7", s3Event("s/README.txt", "s/findings/b/findings.jsonl.tmp"));

        Set<String> redeliver = worker.process(batch);

        assertEquals(Set.of(), redeliver, log.toString());
        QueueWorker.Summary summary = worker.summary();
        assertEquals(7, summary.messages());
        assertEquals(2, summary.pushes(), "one sync for acct-1 (two scan files), one for acct-2: " + log);
        assertEquals(3, summary.ignored(), "the test event and the two keys that are no scan files: " + log);
        assertEquals(2, summary.failed(), "the malformed body, and the S3 event that names no account: " + log);
        assertEquals(52 + 12, summary.result().recordsSynced(), log.toString());
        assertEquals(1, central.writesUnder("aggregated/_state/acct-1/push-index.bin"), central.writes.toString());
        assertEquals(1, central.writesUnder("aggregated/_state/acct-2/push-index.bin"), central.writes.toString());
        assertTrue(log.toString().contains("no source account"), log.toString());
    }

    @Test
    void aFunctionsBudgetIsTheSettingElseItsRemainingTimeLessAMargin() {
        assertEquals(Duration.ofSeconds(3), QueueWorker.budget(Map.of("STANCE_TIME_BUDGET", "3s"), Duration.ofMinutes(15)));
        assertEquals(Duration.ofSeconds(870), QueueWorker.budget(Map.of(), Duration.ofMinutes(15)), "at most 30 s margin");
        assertEquals(Duration.ofSeconds(30), QueueWorker.budget(Map.of(), Duration.ofSeconds(40)), "a quarter when short");
    }

    @Test
    void messagesWaitingInABatchAreExtendedOnlyWhenTheNextPushCouldOutlastTheirVisibility() {
        QueueWorker.Options options = new QueueWorker.Options(Duration.ofSeconds(5), Duration.ofSeconds(1), null);
        long received = 0;
        long hiddenUntil = received + options.visibility().toNanos();
        assertEquals(Duration.ofSeconds(40), options.visibility(), "twice the budget and 30 s");

        assertFalse(ReceivedBatch.needsExtension(received, hiddenUntil, options.work()), "right after the receive");
        assertFalse(ReceivedBatch.needsExtension(Duration.ofSeconds(24).toNanos(), hiddenUntil, options.work()),
                "a 5 s push and a 10 s margin still end 1 s before the messages show again");
        assertTrue(ReceivedBatch.needsExtension(Duration.ofSeconds(25).toNanos(), hiddenUntil, options.work()),
                "a 5 s push could end as they show again");
        assertTrue(ReceivedBatch.needsExtension(Duration.ofSeconds(60).toNanos(), hiddenUntil, options.work()),
                "already visible");
    }

    private static String s3Event(String... keys) {
        StringBuilder records = new StringBuilder();
        for (String key : keys) {
            records.append(records.isEmpty() ? "" : ", ").append("{\"eventName\": \"ObjectCreated:Put\", \"s3\": "
                    + "{\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"" + key + "\"}}}");
        }
        return "{\"Records\": [" + records + "]}";
    }

    private static String eventBridge(String key, String account) {
        return "{\"source\": \"aws.s3\", \"detail-type\": \"Object Created\", \"account\": \"" + account + "\", "
                + "\"detail\": {\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"" + key + "\"}}}";
    }

    /** Notes every write to a real (in-memory) store; the engine writes from several threads. */
    private static final class WriteLog extends ForwardingStore {
        final List<String> writes = new CopyOnWriteArrayList<>();

        WriteLog(StorageAdapter delegate) {
            super(delegate);
        }

        long writesUnder(String prefix) {
            return writes.stream().filter(w -> w.startsWith(prefix)).count();
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            writes.add(path);
            return delegate.writeRecord(path, content, condition);
        }

        @Override
        public String location() {
            return "s3://central";
        }
    }
}
