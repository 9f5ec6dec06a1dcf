package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A source still in flight from an earlier tick can be taken by a second worker: both push it at
 * once, one under a time budget with checkpoints, one without. Conditional writes let exactly
 * one create each record, the other finds identical content and skips it, and {@code _version}
 * counts only accepted writes: central ends as after one push, every {@code _version} 1.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class ConcurrentPushOfOneSourceTest {
    private static final String ACCOUNT = "444455556666";
    private static final int FINDINGS = 400;

    @Test
    void twoWorkersPushingTheSameSourceAtOnceLeaveEveryRecordAtVersionOne(MotoServer moto) throws Exception {
        S3Client s3 = moto.setupClient();
        moto.createBucket("twice-spoke");
        moto.createBucket("twice-central");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < FINDINGS; i++) {
            lines.append(ResumablePushTest.finding(i, "Open port")).append('\n');
        }
        s3.putObject(b -> b.bucket("twice-spoke").key("scan/findings.jsonl"), RequestBody.fromString(lines.toString()));
        StorageAdapter spoke = new S3StorageAdapter("twice-spoke");
        StorageAdapter central = new S3StorageAdapter("twice-central");
        SyncConfig config = SyncConfig.builder("twice-central").centralPrefix("agg").batchSize(100).concurrency(8).build();
        List<ScanLocator.ScanFile> files = ScanLocator.locate(spoke, "scan/findings.jsonl");

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Long> budgeted = pool.submit(() -> {
            start.await();
            long synced = 0;
            ResumablePush.Outcome o;
            int invocations = 0;
            do {
                o = new ResumablePush(PushDescription.of(config), central).run(spoke, files, "s3://twice-spoke/scan", ACCOUNT, "aws",
                        Duration.ofMillis(500));
                assertEquals(List.of(), o.result().errors());
                synced += o.result().recordsSynced();
            } while (o.needsContinuation() && ++invocations < 500);
            assertTrue(o.finished());
            return synced;
        });
        Future<Long> unbounded = pool.submit(() -> {
            start.await();
            ResumablePush.Outcome o = new ResumablePush(PushDescription.of(config), central).run(spoke, files, "s3://twice-spoke/scan",
                    ACCOUNT, "aws", null);
            assertEquals(List.of(), o.result().errors());
            return o.result().recordsSynced();
        });
        long written = budgeted.get() + unbounded.get();
        pool.shutdown();

        assertEquals(FINDINGS, written, "each record was written by exactly one of the two");
        Map<String, Long> versions = new TreeMap<>();
        for (String key : central.listRecords("agg/")) {
            if (!key.contains("/_state/") && !key.contains("/_changes/")) {
                Map<String, Object> record = JsonParser.parseObject(new String(central.readRecord(key).orElseThrow()
                        .content(), StandardCharsets.UTF_8));
                versions.put((String) record.get("id"), (Long) record.get("_version"));
            }
        }
        assertEquals(FINDINGS, versions.size());
        versions.forEach((id, version) -> assertEquals(1L, version, id));
    }
}
