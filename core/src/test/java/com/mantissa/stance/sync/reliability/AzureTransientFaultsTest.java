package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.testing.FaultInjectingProxy.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transient-fault scenario of {@link S3TransientFaultsTest} against Azurite: the
 * connection string's {@code BlobEndpoint} names the proxy, exactly as it would name Azure.
 */
@ExtendWith(Emulators.class)
class AzureTransientFaultsTest {
    static final String ACCOUNT = "99999999-aaaa-bbbb-cccc-000000000001";
    static final int FINDINGS = 400;
    static final int ASSETS = 100;

    @TempDir
    Path dir;

    @Test
    void everyRecordSyncsThroughServerBusyResetsAndLatencyAndEveryFaultIsRetried(AzuriteServer azurite) {
        String container = "central-faults";
        azurite.createContainer(container);
        Path scan = ScanData.write(dir.resolve("scan"), FINDINGS, ASSETS);
        List<Fault> rotation = List.of(Fault.SLOW_DOWN_503, Fault.TOO_MANY_REQUESTS_429, Fault.RESET_BEFORE_FORWARD,
                Fault.RESET_AFTER_FORWARD, Fault.LATENCY);
        String upstream = azurite.blobEndpoint().substring(0, azurite.blobEndpoint().lastIndexOf('/'));

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(upstream, FaultInjectingProxy.everyNth(7, rotation))) {
            String connectionString = azurite.connectionString().replace(upstream, proxy.endpoint());
            CliProcess.Result run = assertTimeoutPreemptively(Duration.ofSeconds(150), () -> CliProcess.run(
                    Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString), Duration.ofSeconds(140),
                    "push", "--source", scan.toString(), "--central", "az://" + AzuriteServer.ACCOUNT + "/" + container,
                    "--account", ACCOUNT, "--provider", "azure", "--json"));

            assertEquals(0, run.exitCode(), run.err());
            Map<String, Object> result = JsonParser.parseObject(run.out().strip());
            assertEquals(List.of(), result.get("errors"));
            assertEquals((long) FINDINGS + ASSETS, (Long) result.get("records_synced") + (Long) result.get("records_skipped"));

            Map<Fault, Long> injected = proxy.faultsInjected();
            for (Fault f : rotation) {
                assertTrue(injected.getOrDefault(f, 0L) > 0, () -> f + " was injected: " + injected);
            }
            long failures = injected.entrySet().stream().filter(e -> e.getKey() != Fault.LATENCY)
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(failures, proxy.retriesSeen(), "every failed request was sent again");

            Map<String, byte[]> central = CentralContent.azure(
                    azurite.setupClient().getBlobContainerClient(container), "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, ACCOUNT, "azure"), "aggregated/"),
                    CentralContent.verifiedChecksums(central, "aggregated/"), "same keys and checksums as a fault-free run");
            assertTrue(CentralContent.versions(central).values().stream().allMatch(v -> v == 1L),
                    "each record written exactly once");
            System.out.printf("[figures] Azure transient faults: %d records, %d requests, faults %s, %d retries seen, "
                            + "%.1f s%n", FINDINGS + ASSETS, proxy.exchanges().size(), injected, proxy.retriesSeen(),
                    run.seconds());
        }
    }
}
