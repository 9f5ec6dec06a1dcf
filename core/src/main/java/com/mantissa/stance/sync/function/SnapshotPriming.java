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
 * The push an S3 notification starts, run twice inside the process while a function is
 * initialised ahead of its invocations (a SnapStart snapshot, provisioned concurrency): so the
 * snapshot holds the engine's and the AWS SDK's request path loaded and compiled (marshalling,
 * signing, checksums, response parsing, the conditional write that fails and the read and
 * resolve after it) instead of the first real invocation running all of it for the first time.
 *
 * <p>Every store it opens is a bucket of an {@link InProcessS3Transport}: no request leaves the
 * process, and no central, spoke or account is contacted. The first push goes into an empty
 * central; the second, after central's push index is removed, pushes a scan in which every
 * other finding changed, so each record's create-if-absent fails with 412 and is read,
 * resolved and replaced on its version, as when an index is lost.
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

    /** The two pushes' outcomes, first into an empty central, then over records the central already has. */
    record Outcome(BatchOutcome first, BatchOutcome second, int requestsAnswered) {
    }

    static Outcome run(FunctionSettings settings) {
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
            for (String key : central.listRecords("")) {
                if (key.contains("_state/")) {
                    central.deleteRecord(key);
                }
            }
            write(spoke, FINDINGS_KEY, findings(1));
            BatchOutcome second = function.handle(events).log(discard);
            return new Outcome(first, second, transport.answered());
        }
    }

    /** The in-process bucket standing in for {@code location}: its own bucket when it names one. */
    private static String bucketOf(StorageLocation location) {
        return location.scheme() == StorageLocation.Scheme.S3 ? location.bucket() : "stance-priming-central";
    }

    private static void write(StorageAdapter store, String key, String content) {
        store.writeRecord(key, content.getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
    }

    /** Findings shaped like a scanner's; {@code round} 1 changes the status and last_seen of every other one. */
    private static String findings(int round) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < FINDINGS; i++) {
            boolean changed = round == 1 && i % 2 == 0;
            lines.append("{\"id\":\"priming-finding-").append(i)
                    .append("\",\"asset_id\":\"priming-asset-").append(i % 10)
                    .append("\",\"finding_type\":\"").append(i % 3 == 0 ? "vulnerability" : "misconfiguration")
                    .append("\",\"severity\":\"").append(List.of("critical", "high", "medium", "low").get(i % 4))
                    .append("\",\"status\":\"").append(changed ? "resolved" : "open")
                    .append("\",\"title\":\"Priming finding ").append(i)
                    .append("\",\"description\":\"A finding made up to run the push path before a snapshot.\"")
                    .append(",\"first_seen\":\"2026-01-01T00:00:00Z\",\"last_seen\":\"")
                    .append(changed ? "2026-01-02T00:00:00Z" : "2026-01-01T00:00:00Z")
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
