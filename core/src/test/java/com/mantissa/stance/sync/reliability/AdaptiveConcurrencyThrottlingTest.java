package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageTimeouts;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy.Fault;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.MotoServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A push with the default (adaptive) concurrency against S3 on moto behind a proxy that adds
 * a round trip to every request and answers a share of the record writes 503 SlowDown: the
 * limit sees the throttling and backs off, every throttled write is retried, none is reported,
 * and every record lands exactly once.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AdaptiveConcurrencyThrottlingTest {
    private static final String ACCOUNT = "444455556666";

    @TempDir
    Path dir;

    /**
     * Throttles record uploads by their key, not by arrival order, so that the share is the
     * same in every run: the first attempt of one key in 5, the first two of one in 11.
     */
    private static FaultInjectingProxy.Plan slowDownOnAShareOfWrites(Map<String, AtomicInteger> attempts) {
        return (number, method, target) -> {
            if (!method.equals("PUT") || !(target.contains("/findings/") || target.contains("/assets/"))) {
                return Fault.NONE;
            }
            int attempt = attempts.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
            int bucket = Math.floorMod(target.hashCode(), 55);
            if (bucket % 11 == 0 && attempt <= 2 || bucket % 5 == 0 && attempt == 1) {
                return Fault.SLOW_DOWN_503;
            }
            return Fault.NONE;
        };
    }

    @Test
    void throttledWritesAreRetriedNotReportedAndEveryRecordIsWrittenOnce(MotoServer moto) throws Exception {
        int findings = 500;
        int assets = 100;
        moto.createBucket("adaptive-throttled");
        Path scan = ScanData.write(dir.resolve("scan"), findings, assets);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(moto.endpoint(), slowDownOnAShareOfWrites(attempts))
                .withLatency(Duration.ofMillis(10))) {
            StorageAdapter central = new S3StorageAdapter("adaptive-throttled",
                    S3StorageAdapter.configure(S3Client.builder(), StorageTimeouts.DEFAULT)
                            .endpointOverride(URI.create(proxy.endpoint()))
                            .forcePathStyle(true)
                            .region(Region.of(MotoServer.REGION))
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                                    moto.environment().get("AWS_ACCESS_KEY_ID"),
                                    moto.environment().get("AWS_SECRET_ACCESS_KEY"))))
                            .build());
            SyncConfig config = SyncConfig.builder("adaptive-throttled").build();
            assertTrue(config.adaptiveConcurrency(), "the default adapts");
            CrossCloudSync sync = new CrossCloudSync(config, central);
            LocalStorageAdapter source = new LocalStorageAdapter(scan);
            sync.addScanFiles(source, ScanLocator.locate(source, ""), ACCOUNT, "aws");

            SyncResult result = assertTimeoutPreemptively(Duration.ofSeconds(120), sync::sync);

            assertEquals(java.util.List.of(), result.errors(), "no throttling surfaces in the result");
            assertEquals(findings + assets, result.recordsSynced());
            long throttled = proxy.faultsInjected().getOrDefault(Fault.SLOW_DOWN_503, 0L);
            assertTrue(throttled > (findings + assets) / 5, "a share of the writes was throttled: " + throttled);
            assertEquals(throttled, proxy.retriesSeen(), "every throttled write was sent again");
            assertTrue(sync.retries() >= throttled, "retried by the engine: " + sync.retries());
            String limit = sync.concurrency();
            assertTrue(limit.startsWith("adaptive") && limit.contains(" " + throttled + " throttled"), limit);

            Map<String, byte[]> stored = CentralContent.of(new S3StorageAdapter("adaptive-throttled", moto.setupClient()),
                    "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, ACCOUNT, "aws"), "aggregated/"),
                    CentralContent.verifiedChecksums(stored, "aggregated/"), "same keys and checksums as a clean run");
            assertTrue(CentralContent.versions(stored).values().stream().allMatch(v -> v == 1L),
                    "every record written once: _version 1");
            System.out.printf("[figures] adaptive push through 10 ms latency and 503 SlowDown: %d records, %d "
                    + "requests, %d throttled, concurrency %s, %.1f s%n", findings + assets, proxy.exchanges().size(),
                    throttled, limit, result.durationSeconds());
        }
    }
}
