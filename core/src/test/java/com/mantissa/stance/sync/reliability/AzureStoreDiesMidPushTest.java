package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link S3StoreDiesMidPushTest} against Azurite. The Azure SDK backs off between its own tries
 * (no token bucket), so without the engine's circuit breaker each record left after the death
 * cost seconds; with it the run ends as soon as the store is known to be down.
 */
@ExtendWith(Emulators.class)
class AzureStoreDiesMidPushTest {
    static final String ACCOUNT = "99999999-aaaa-bbbb-cccc-000000000002";
    static final int FINDINGS = 3_000;
    static final int KILL_AFTER_WRITES = 500;

    @TempDir
    Path dir;

    @Test
    void pushEndsWithErrorsAndExitOneWhenTheStoreDiesAndAReRunConverges(AzuriteServer azurite) {
        String container = "central-dies";
        azurite.createContainer(container);
        Path scan = ScanData.write(dir.resolve("scan"), FINDINGS, 0);
        String[] push = {"push", "--source", scan.toString(), "--central", "az://" + AzuriteServer.ACCOUNT + "/" + container,
                "--account", ACCOUNT, "--provider", "azure", "--json"};
        String upstream = azurite.blobEndpoint().substring(0, azurite.blobEndpoint().lastIndexOf('/'));

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(upstream, FaultInjectingProxy.noFaults())
                .killAfterWrites(KILL_AFTER_WRITES)) {
            Map<String, String> env = Map.of("AZURE_STORAGE_CONNECTION_STRING",
                    azurite.connectionString().replace(upstream, proxy.endpoint()));

            CliProcess.Result killed = assertTimeoutPreemptively(Duration.ofSeconds(200),
                    () -> CliProcess.run(env, Duration.ofSeconds(190), push));

            assertTrue(proxy.isDead(), "the store died during the push");
            assertEquals(1, killed.exitCode(), killed.err());
            Map<String, Object> first = JsonParser.parseObject(killed.out().strip());
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) first.get("errors");
            long synced = (Long) first.get("records_synced");
            assertTrue(synced >= KILL_AFTER_WRITES - 16 && synced < FINDINGS, "synced " + synced);
            assertEquals(FINDINGS, synced + errors.size(), "every record not synced has an error");
            assertTrue(errors.stream().allMatch(e -> e.contains("connection failed or timed out")), errors.get(0));

            Map<String, byte[]> afterKill = CentralContent.azure(
                    azurite.setupClient().getBlobContainerClient(container), "aggregated/");
            CentralContent.verifiedChecksums(afterKill, "aggregated/");
            assertTrue(afterKill.size() >= synced, "at least the acknowledged writes are there");

            proxy.restart();
            CliProcess.Result rerun = assertTimeoutPreemptively(Duration.ofSeconds(300),
                    () -> CliProcess.run(env, Duration.ofSeconds(290), push));

            assertEquals(0, rerun.exitCode(), rerun.err());
            Map<String, Object> second = JsonParser.parseObject(rerun.out().strip());
            assertEquals((long) afterKill.size(), second.get("records_skipped"), "what survived is kept as is");
            assertEquals((long) FINDINGS - afterKill.size(), second.get("records_synced"));
            Map<String, byte[]> central = CentralContent.azure(
                    azurite.setupClient().getBlobContainerClient(container), "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, ACCOUNT, "azure"), "aggregated/"),
                    CentralContent.verifiedChecksums(central, "aggregated/"), "same keys and checksums as a clean run");
            assertFalse(CentralContent.versions(central).values().stream().anyMatch(v -> v != 1L),
                    "no record was written twice");
            System.out.printf("[figures] Azure store dies after %d writes: killed run %.1f s (%d synced, %d errors), "
                            + "%d objects survived, re-run %.1f s (%d synced, %d skipped)%n", KILL_AFTER_WRITES,
                    killed.seconds(), synced, errors.size(), afterKill.size(), rerun.seconds(),
                    second.get("records_synced"), second.get("records_skipped"));
        }
    }
}
