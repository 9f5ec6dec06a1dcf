package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.FaultInjectingProxy.Fault;
import com.mantissa.stance.sync.testing.MotoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §7 "throttles or drops connections": the CLI pushes through a proxy that answers every
 * 7th request with 503 SlowDown, 429, a reset before or after moto saw it, or a delay. The SDK
 * reaches the proxy through {@code AWS_ENDPOINT_URL_S3}, as it would reach S3.
 */
@ExtendWith(Emulators.class)
class S3TransientFaultsTest {
    static final String ACCOUNT = "111122223333";
    static final int FINDINGS = 1000;
    static final int ASSETS = 200;

    @TempDir
    Path dir;

    @Test
    void everyRecordSyncsThroughThrottlingResetsAndLatencyAndEveryFaultIsRetried(MotoServer moto) {
        String bucket = "stance-faults";
        moto.createBucket(bucket);
        Path scan = ScanData.write(dir.resolve("scan"), FINDINGS, ASSETS);
        List<Fault> rotation = List.of(Fault.SLOW_DOWN_503, Fault.TOO_MANY_REQUESTS_429, Fault.RESET_BEFORE_FORWARD,
                Fault.RESET_AFTER_FORWARD, Fault.LATENCY);

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(moto.endpoint(), FaultInjectingProxy.everyNth(7, rotation))) {
            CliProcess.Result run = assertTimeoutPreemptively(Duration.ofSeconds(150), () -> CliProcess.run(
                    env(moto, proxy), Duration.ofSeconds(140),
                    "push", "--source", scan.toString(), "--central", "s3://" + bucket, "--account", ACCOUNT,
                    "--provider", "aws", "--json"));

            assertEquals(0, run.exitCode(), run.err());
            Map<String, Object> result = JsonParser.parseObject(run.out().strip());
            assertEquals(List.of(), result.get("errors"));
            // A write whose answer was lost (reset after forwarding) is found identical on the retry: skipped.
            assertEquals((long) FINDINGS + ASSETS, (Long) result.get("records_synced") + (Long) result.get("records_skipped"));

            Map<Fault, Long> injected = proxy.faultsInjected();
            for (Fault f : rotation) {
                assertTrue(injected.getOrDefault(f, 0L) > 0, () -> f + " was injected: " + injected);
            }
            long failures = injected.entrySet().stream().filter(e -> e.getKey() != Fault.LATENCY)
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(failures, proxy.retriesSeen(), "every failed request was sent again");

            Map<String, byte[]> central = CentralContent.s3(moto.setupClient(), bucket, "aggregated/");
            Map<String, byte[]> clean = CentralContent.cleanRun(scan, ACCOUNT, "aws");
            assertEquals(CentralContent.verifiedChecksums(clean, "aggregated/"),
                    CentralContent.verifiedChecksums(central, "aggregated/"),
                    "same keys and checksums as a fault-free run");
            assertTrue(CentralContent.versions(central).values().stream().allMatch(v -> v == 1L),
                    "each record written exactly once");
            System.out.printf("[figures] S3 transient faults: %d records, %d requests, faults %s, %d retries seen, "
                            + "%.1f s%n", FINDINGS + ASSETS, proxy.exchanges().size(), injected, proxy.retriesSeen(),
                    run.seconds());
        }
    }

    static Map<String, String> env(MotoServer moto, FaultInjectingProxy proxy) {
        Map<String, String> env = new HashMap<>(moto.environment());
        env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint());
        return env;
    }
}
