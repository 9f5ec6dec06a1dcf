package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.storage.InProcessS3Transport;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The push an S3 notification starts, run a few times inside the process while a function is
 * initialised ahead of its invocations (a SnapStart snapshot, provisioned concurrency): so the
 * snapshot holds the engine's and the AWS SDK's request path loaded and compiled (marshalling,
 * signing, checksums, response parsing, the conditional write that fails and the read and
 * resolve after it) instead of the first real invocation running all of it for the first time.
 *
 * <p>Every store it opens is a bucket of an {@link InProcessS3Transport}: no request leaves the
 * process, and no central, spoke or account is contacted. The first push goes into an empty
 * central; each later one pushes a scan in which half the findings changed, every other one
 * after central's push index was removed, so that each record's create-if-absent fails with 412
 * and is read, resolved and replaced on its version, as when an index is lost.
 */
final class SnapshotPriming {

    /** Enough records for the client compiler to compile the per-record path (its thresholds are a few hundred calls). */
    static final int FINDINGS = 200;

    static final String SPOKE = "stance-priming-spoke";
    private static final String ACCOUNT = "000000000000";
    private static final String FINDINGS_KEY = "stance/findings/priming/findings.jsonl";
    private static final String ASSETS_KEY = "stance/assets/priming/assets.jsonl";

    private SnapshotPriming() {
    }

    /**
     * The pushes' outcomes: the first into an empty central, the one after central's index was
     * removed (every record already there), and the last.
     */
    record Outcome(BatchOutcome first, BatchOutcome afterIndexLoss, BatchOutcome last, int requestsAnswered) {
    }

    static Outcome run(FunctionSettings settings) {
        return run(settings, MAX_ROUNDS);
    }

    /** The priming with at most {@code maxRounds} pushes after the first (tests keep it short). */
    static Outcome run(FunctionSettings settings, int maxRounds) {
        try (InProcessS3Transport transport = new InProcessS3Transport()) {
            Map<String, StorageAdapter> buckets = new HashMap<>();
            SyncFunction function = new SyncFunction(settings, null, location -> buckets.computeIfAbsent(
                    bucketOf(location), name -> S3StorageAdapter.inProcess(name, transport)));
            StorageAdapter spoke = buckets.computeIfAbsent(SPOKE, name -> S3StorageAdapter.inProcess(name, transport));
            List<FunctionEvent> events = List.of(
                    FunctionEvent.objectCreated("priming-0", "s3://" + SPOKE + "/" + FINDINGS_KEY, ACCOUNT),
                    FunctionEvent.objectCreated("priming-1", "s3://" + SPOKE + "/" + ASSETS_KEY, ACCOUNT));
            BatchOutcome.LogSink discard = (severity, line) -> { };

            write(spoke, FINDINGS_KEY, findings(0));
            write(spoke, ASSETS_KEY, assets());
            BatchOutcome first = function.handle(events).log(discard);
            StorageAdapter central = function.settings().map(s -> buckets.get(bucketOf(s.central()))).orElseThrow();
            BatchOutcome afterIndexLoss = null;
            BatchOutcome last = first;
            boolean compilerBusy = true;
            java.lang.management.CompilationMXBean compiler = compiler();
            for (int round = 1; round <= maxRounds && (round <= MIN_ROUNDS || compilerBusy); round++) {
                long roundStart = System.nanoTime();
                long compiledBefore = compiler == null ? 0 : compiler.getTotalCompilationTime();
                if (round % 2 == 1) {
                    for (String key : central.listRecords("")) {
                        if (key.contains("_state/")) {
                            central.deleteRecord(key);
                        }
                    }
                }
                write(spoke, FINDINGS_KEY, findings(round));
                last = function.handle(events).log(discard);
                if (afterIndexLoss == null) {
                    afterIndexLoss = last;
                }
                // Another round while the compiler spent more than a tenth of this one compiling.
                long roundMillis = (System.nanoTime() - roundStart) / 1_000_000;
                compilerBusy = compiler != null
                        && (compiler.getTotalCompilationTime() - compiledBefore) * 10 > roundMillis;
            }
            awaitCompilerIdle();
            return new Outcome(first, afterIndexLoss, last, transport.answered());
        }
    }

    /**
     * Pushes after the first, each with half the findings changed, every other one after the
     * index was removed: at least {@link #MIN_ROUNDS}, more while the JIT compiler is still busy
     * with what they run, up to {@link #MAX_ROUNDS}. A method is compiled only once it has run
     * some hundred times, and a long queue of methods waiting for the compiler raises that number.
     */
    static final int MIN_ROUNDS = 2;
    static final int MAX_ROUNDS = 12;

    /** How long the priming waits at most for the JIT compiler to finish what the pushes queued. */
    private static final long COMPILER_WAIT_MILLIS = 3_000;
    private static final long COMPILER_POLL_MILLIS = 25;

    /**
     * Waits until the JIT compiler has compiled what the pushes made hot (its total compilation
     * time stops growing for two polls), at most {@link #COMPILER_WAIT_MILLIS}: the snapshot is
     * taken when initialisation returns, and a method still queued then is compiled during the
     * first invocation instead (on a busy machine that was 1.8-2.6 s of compiler time).
     */
    private static void awaitCompilerIdle() {
        java.lang.management.CompilationMXBean compiler = compiler();
        if (compiler == null) {
            return;
        }
        long deadline = System.nanoTime() + COMPILER_WAIT_MILLIS * 1_000_000;
        long last = compiler.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(COMPILER_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = compiler.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    /** The JIT compiler's account of its time, or null where the JVM keeps none. */
    private static java.lang.management.CompilationMXBean compiler() {
        java.lang.management.CompilationMXBean compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler : null;
    }

    /** The in-process bucket standing in for {@code location}: its own bucket when it names one. */
    private static String bucketOf(StorageLocation location) {
        return location.scheme() == StorageLocation.Scheme.S3 ? location.bucket() : "stance-priming-central";
    }

    private static void write(StorageAdapter store, String key, String content) {
        store.writeRecord(key, content.getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
    }

    /**
     * Findings shaped like a scanner's; from round 1 on, each round moves the last_seen of every
     * other one (alternating halves) a day on and flips its status, so that half the records change.
     */
    static String findings(int round) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < FINDINGS; i++) {
            int changes = round == 0 ? 0 : (round + 1 - i % 2) / 2;
            boolean changed = changes % 2 == 1;
            lines.append("{\"id\":\"priming-finding-").append(i)
                    .append("\",\"asset_id\":\"priming-asset-").append(i % 10)
                    .append("\",\"finding_type\":\"").append(i % 3 == 0 ? "vulnerability" : "misconfiguration")
                    .append("\",\"severity\":\"").append(List.of("critical", "high", "medium", "low").get(i % 4))
                    .append("\",\"status\":\"").append(changed ? "resolved" : "open")
                    .append("\",\"title\":\"Priming finding ").append(i)
                    .append("\",\"description\":\"A finding made up to run the push path before a snapshot.\"")
                    .append(",\"first_seen\":\"2026-01-01T00:00:00Z\",\"last_seen\":\"")
                    .append(String.format("2026-01-%02dT00:00:00Z", 1 + changes))
                    .append("\",\"rule_id\":\"priming-rule-").append(i % 7)
                    .append("\",\"compliance_frameworks\":[\"CIS\"],\"remediation_guidance\":\"None needed.\"}\n");
        }
        return lines.toString();
    }

    private static String assets() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"id\":\"priming-asset-").append(i)
                    .append("\",\"cloud_provider\":\"aws\",\"resource_type\":\"aws_ec2_instance\",\"name\":\"priming-")
                    .append(i).append("\",\"tags\":{\"env\":\"priming\"}")
                    .append(",\"region\":\"us-east-1\",\"last_seen\":\"2026-01-01T00:00:00Z\"}\n");
        }
        return lines.toString();
    }
}
