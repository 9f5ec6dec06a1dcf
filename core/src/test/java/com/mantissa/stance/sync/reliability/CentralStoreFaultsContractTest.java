package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy.Fault;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI pushing through a {@link FaultInjectingProxy} in front of a central store's emulator,
 * the same scenarios for S3, Azure and GCS: a store that throttles, drops connections and
 * lags, where every record must still land exactly once; and a store that dies mid-push,
 * where the run must end with one error per record not synced and a re-run must converge.
 * The CLI reaches the proxy through the SDK's standard endpoint setting, as it would the cloud.
 *
 * <p>Every cloud pushes the same scans: a subclass only says how to reach its emulator, which
 * {@link Emulators} hands to its constructor (one server per JVM, shared by every class).
 * The sizes are as small as keeps each scenario what it is: the transient scan still draws
 * every fault of the rotation more than a dozen times; the dying scan still has the store die
 * with 16 writes in flight and hundreds of records left, ten times what the engine's circuit
 * breaker needs to open, and a re-run that writes most of the scan.
 */
@ExtendWith(Emulators.class)
public abstract class CentralStoreFaultsContractTest {

    /** Findings and assets of the transient-fault scan. */
    private static final int TRANSIENT_FINDINGS = 400;
    private static final int TRANSIENT_ASSETS = 100;
    /** Findings of the dying-store scan, and the upload after which the store dies. */
    private static final int DYING_FINDINGS = 500;
    private static final int DYING_KILL_AFTER_WRITES = 125;

    @TempDir
    Path dir;

    /** Creates a bucket or container called {@code name} and returns the central URI naming it. */
    protected abstract String createCentral(String name);

    /** The adapter on that central, reaching the emulator directly (not through the proxy). */
    protected abstract StorageAdapter direct(String name);

    /** {@code http://127.0.0.1:port} of the emulator the proxy forwards to. */
    protected abstract String upstream();

    /** The environment that makes the CLI reach the central through {@code proxy}. */
    protected abstract Map<String, String> environmentThrough(FaultInjectingProxy proxy);

    /** The {@code --provider} of the scan. */
    protected abstract String provider();

    private String cloud() {
        return getClass().getSimpleName().replace("CentralStoreFaultsTest", "");
    }

    @Test
    void everyRecordSyncsThroughThrottlingResetsAndLatencyAndEveryFaultIsRetried() {
        int findings = TRANSIENT_FINDINGS;
        int assets = TRANSIENT_ASSETS;
        String account = "111122223333";
        String central = createCentral("central-faults");
        Path scan = ScanData.write(dir.resolve("scan"), findings, assets);
        List<Fault> rotation = List.of(Fault.SLOW_DOWN_503, Fault.TOO_MANY_REQUESTS_429, Fault.RESET_BEFORE_FORWARD,
                Fault.RESET_AFTER_FORWARD, Fault.LATENCY);

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(upstream(), FaultInjectingProxy.everyNth(7, rotation))) {
            CliProcess.Result run = assertTimeoutPreemptively(Duration.ofSeconds(150), () -> CliProcess.run(
                    environmentThrough(proxy), Duration.ofSeconds(140), "push", "--source", scan.toString(),
                    "--central", central, "--account", account, "--provider", provider(), "--json"));

            assertEquals(0, run.exitCode(), run.err());
            Map<String, Object> result = JsonParser.parseObject(run.out().strip());
            assertEquals(List.of(), result.get("errors"));
            // A write whose answer was lost (reset after forwarding) is found identical on the retry: skipped.
            assertEquals((long) findings + assets,
                    (Long) result.get("records_synced") + (Long) result.get("records_skipped"));

            Map<Fault, Long> injected = proxy.faultsInjected();
            for (Fault f : rotation) {
                assertTrue(injected.getOrDefault(f, 0L) > 0, () -> f + " was injected: " + injected);
            }
            long failures = injected.entrySet().stream().filter(e -> e.getKey() != Fault.LATENCY)
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(failures, proxy.retriesSeen(), "every failed request was sent again");

            Map<String, byte[]> stored = CentralContent.of(direct("central-faults"), "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, account, provider()), "aggregated/"),
                    CentralContent.verifiedChecksums(stored, "aggregated/"), "same keys and checksums as a fault-free run");
            assertTrue(CentralContent.versions(stored).values().stream().allMatch(v -> v == 1L),
                    "each record written exactly once");
            System.out.printf("[figures] %s transient faults: %d records, %d requests, faults %s, %d retries seen, "
                            + "%.1f s%n", cloud(), findings + assets, proxy.exchanges().size(), injected,
                    proxy.retriesSeen(), run.seconds());
        }
    }

    @Test
    void pushEndsWithErrorsAndExitOneWhenTheStoreDiesAndAReRunConverges() {
        int findings = DYING_FINDINGS;
        int killAfterWrites = DYING_KILL_AFTER_WRITES;
        String account = "210987654321";
        String central = createCentral("central-dies");
        Path scan = ScanData.write(dir.resolve("scan"), findings, 0);
        String[] push = {"push", "--source", scan.toString(), "--central", central, "--account", account,
                "--provider", provider(), "--json"};

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(upstream(), FaultInjectingProxy.noFaults())
                .killAfterWrites(killAfterWrites)) {
            Map<String, String> env = environmentThrough(proxy);
            CliProcess.Result killed = assertTimeoutPreemptively(Duration.ofSeconds(330),
                    () -> CliProcess.run(env, Duration.ofSeconds(320), push));

            assertTrue(proxy.isDead(), "the store died during the push");
            assertEquals(1, killed.exitCode(), killed.err());
            Map<String, Object> first = JsonParser.parseObject(killed.out().strip());
            assertEquals(false, first.get("success"));
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) first.get("errors");
            long synced = (Long) first.get("records_synced");
            assertTrue(synced >= killAfterWrites - 16 && synced < findings, "synced " + synced);
            // The change feed's one object for the records that were written is an error of its own.
            List<String> recordErrors = errors.stream().filter(e -> !e.startsWith("change feed of account")).toList();
            assertTrue(errors.size() - recordErrors.size() <= 1, errors.toString());
            assertEquals(findings, synced + recordErrors.size(), "every record not synced has an error");
            assertTrue(errors.stream().allMatch(e -> e.contains("connection failed or timed out")), errors.get(0));

            // Whatever reached the store is whole and verifies: no torn or corrupt record is readable.
            Map<String, byte[]> afterKill = CentralContent.of(direct("central-dies"), "aggregated/");
            CentralContent.verifiedChecksums(afterKill, "aggregated/");
            assertTrue(afterKill.size() >= synced, "at least the acknowledged writes are there");

            proxy.restart();
            CliProcess.Result rerun = assertTimeoutPreemptively(Duration.ofSeconds(300),
                    () -> CliProcess.run(env, Duration.ofSeconds(290), push));

            assertEquals(0, rerun.exitCode(), rerun.err());
            Map<String, Object> second = JsonParser.parseObject(rerun.out().strip());
            assertEquals((long) afterKill.size(), second.get("records_skipped"), "what survived is kept as is");
            assertEquals((long) findings - afterKill.size(), second.get("records_synced"));
            Map<String, byte[]> stored = CentralContent.of(direct("central-dies"), "aggregated/");
            assertEquals(CentralContent.verifiedChecksums(CentralContent.cleanRun(scan, account, provider()), "aggregated/"),
                    CentralContent.verifiedChecksums(stored, "aggregated/"), "same keys and checksums as a clean run");
            assertFalse(CentralContent.versions(stored).values().stream().anyMatch(v -> v != 1L),
                    "no record was written twice");
            System.out.printf("[figures] %s store dies after %d writes: killed run %.1f s (%d synced, %d errors), "
                            + "%d objects survived, re-run %.1f s (%d synced, %d skipped)%n", cloud(), killAfterWrites,
                    killed.seconds(), synced, errors.size(), afterKill.size(), rerun.seconds(),
                    second.get("records_synced"), second.get("records_skipped"));
        }
    }
}
