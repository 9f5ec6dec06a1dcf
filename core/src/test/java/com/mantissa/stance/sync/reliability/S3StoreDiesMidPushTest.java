package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
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
 * SPEC §7 "a store that dies mid-push": 10,000 findings are pushed through a proxy that dies
 * (resets every connection, refuses new ones) after the 1,000th accepted write. moto behind
 * it keeps its data, so after a restart of the proxy a re-run must converge.
 */
@ExtendWith(Emulators.class)
class S3StoreDiesMidPushTest {
    static final String ACCOUNT = "210987654321";
    static final int FINDINGS = 10_000;
    static final int KILL_AFTER_WRITES = 1_000;

    @TempDir
    Path dir;

    @Test
    void pushEndsWithErrorsAndExitOneWhenTheStoreDiesAndAReRunConverges(MotoServer moto) {
        String bucket = "stance-dies";
        moto.createBucket(bucket);
        Path scan = ScanData.write(dir.resolve("scan"), FINDINGS, 0);
        String[] push = {"push", "--source", scan.toString(), "--central", "s3://" + bucket, "--account", ACCOUNT,
                "--provider", "aws", "--json"};

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(moto.endpoint(), FaultInjectingProxy.noFaults())
                .killAfterWrites(KILL_AFTER_WRITES)) {
            Map<String, String> env = new HashMap<>(moto.environment());
            env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint());

            // Generous: until the engine stops calling a store that is known to be down, every
            // record left costs its full backoff (docs/reliability-fixes.patch).
            CliProcess.Result killed = assertTimeoutPreemptively(Duration.ofSeconds(330),
                    () -> CliProcess.run(env, Duration.ofSeconds(320), push));

            assertTrue(proxy.isDead(), "the store died during the push");
            assertEquals(1, killed.exitCode(), killed.err());
            Map<String, Object> first = JsonParser.parseObject(killed.out().strip());
            assertEquals(false, first.get("success"));
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) first.get("errors");
            long synced = (Long) first.get("records_synced");
            assertTrue(synced >= KILL_AFTER_WRITES - 16 && synced < FINDINGS, "synced " + synced);
            assertEquals(FINDINGS, synced + errors.size(), "every record not synced has an error");
            assertTrue(errors.stream().allMatch(e -> e.contains("connection failed or timed out")), errors.get(0));

            // Whatever reached the store is whole and verifies: no torn or corrupt record is readable.
            Map<String, byte[]> afterKill = CentralContent.s3(moto.setupClient(), bucket, "aggregated/");
            CentralContent.verifiedChecksums(afterKill, "aggregated/");
            assertTrue(afterKill.size() >= synced, "at least the acknowledged writes are there");

            proxy.restart();
            CliProcess.Result rerun = assertTimeoutPreemptively(Duration.ofSeconds(300),
                    () -> CliProcess.run(env, Duration.ofSeconds(290), push));

            assertEquals(0, rerun.exitCode(), rerun.err());
            Map<String, Object> second = JsonParser.parseObject(rerun.out().strip());
            assertEquals((long) afterKill.size(), second.get("records_skipped"), "what survived is kept as is");
            assertEquals((long) FINDINGS - afterKill.size(), second.get("records_synced"));

            Map<String, byte[]> central = CentralContent.s3(moto.setupClient(), bucket, "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, ACCOUNT, "aws"), "aggregated/"),
                    CentralContent.verifiedChecksums(central, "aggregated/"), "same keys and checksums as a clean run");
            assertFalse(CentralContent.versions(central).values().stream().anyMatch(v -> v != 1L),
                    "no record was written twice");
            System.out.printf("[figures] S3 store dies after %d writes: killed run %.1f s (%d synced, %d errors), "
                            + "%d objects survived, re-run %.1f s (%d synced, %d skipped)%n", KILL_AFTER_WRITES,
                    killed.seconds(), synced, errors.size(), afterKill.size(), rerun.seconds(),
                    second.get("records_synced"), second.get("records_skipped"));
        }
    }
}
