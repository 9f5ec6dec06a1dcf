package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.push.PushCheckpoint;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A push under a time budget stops at batch boundaries and resumes after the last completed
 * batch. Time is simulated: every write to central costs one millisecond, so how far an
 * invocation gets is deterministic.
 */
class ResumablePushTest {
    private static final String ACCOUNT = "123456789012";
    private static final String SOURCE = "memory://spoke/scan";
    private static final String FILE = "scan/findings.jsonl";

    private final AtomicLong clock = new AtomicLong();
    private final MemoryStore spoke = new MemoryStore();
    private final MemoryStore centralRecords = new MemoryStore();
    private final StorageAdapter central = new SlowStore(centralRecords, clock);
    private final SyncConfig config = SyncConfig.builder("central").batchSize(100).concurrency(1).build();

    static String finding(int i, String title) {
        return "{\"id\": \"finding-" + String.format("%05d", i) + "\", \"finding_type\": \"misconfiguration\", "
                + "\"severity\": \"high\", \"status\": \"open\", \"title\": \"" + title + " " + i + "\", "
                + "\"last_seen\": \"" + (title.startsWith("Still") ? "2026-11-21" : "2026-11-20") + "T10:00:00Z\"}";
    }

    private void writeScan(List<String> lines) {
        spoke.writeRecord(FILE, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
    }

    private static List<String> findings(int n, String title) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(finding(i, title));
        }
        return lines;
    }

    private ResumablePush.Outcome invoke(Duration budget) {
        return invoke(spoke, budget);
    }

    private ResumablePush.Outcome invoke(StorageAdapter from, Duration budget) {
        List<ScanLocator.ScanFile> files = ScanLocator.locate(from, FILE);
        return new ResumablePush(PushDescription.of(config), central).nanoTime(clock::get).run(from, files, SOURCE, ACCOUNT, "aws", budget);
    }

    private Map<String, Long> versions() {
        Map<String, Long> versions = new TreeMap<>();
        centralRecords.contents().forEach((key, bytes) -> {
            if (!key.contains("/_state/") && !key.contains("/_changes/")) {
                versions.put(key, (Long) JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8)).get("_version"));
            }
        });
        return versions;
    }

    @Test
    void aPushLongerThanItsBudgetFinishesOverSeveralInvocationsWithEveryRecordWrittenOnce() {
        writeScan(findings(2_500, "Public bucket"));

        List<ResumablePush.Outcome> outcomes = new ArrayList<>();
        ResumablePush.Outcome outcome;
        do {
            outcome = invoke(Duration.ofMillis(400));
            outcomes.add(outcome);
            assertTrue(outcome.result().errors().isEmpty(), outcome.result().errors()::toString);
        } while (outcome.needsContinuation() && outcomes.size() < 100);

        assertTrue(outcome.finished());
        assertTrue(outcomes.size() >= 5, "several invocations: " + outcomes.size());
        assertEquals(2_500, outcomes.stream().mapToLong(o -> o.result().recordsSynced()).sum());
        assertEquals(2_500, outcome.checkpoint().counts().synced(), "counts carried across invocations");
        assertEquals(outcomes.size(), outcome.checkpoint().invocations());
        Map<String, Long> versions = versions();
        assertEquals(2_500, versions.size());
        versions.forEach((key, version) -> assertEquals(1L, version, key));
        assertTrue(centralRecords.listRecords("aggregated/_state/" + ACCOUNT + "/resume/").isEmpty(),
                "the checkpoint is removed when the push is complete");
    }

    @Test
    void aPushWhoseLastBatchUsesUpTheBudgetFinishesWithoutAnEmptyContinuation() {
        // Exactly two batches; each batch of 100 writes takes 100 simulated ms, so after the
        // second one the 250 ms budget has no room for a third, but there is none to push.
        writeScan(findings(200, "Public bucket"));

        List<ResumablePush.Outcome> outcomes = new ArrayList<>();
        ResumablePush.Outcome outcome;
        do {
            outcome = invoke(Duration.ofMillis(250));
            outcomes.add(outcome);
        } while (outcome.needsContinuation() && outcomes.size() < 10);

        assertTrue(outcome.finished());
        assertTrue(outcomes.stream().allMatch(o -> o.result().recordsSynced() > 0),
                "every invocation pushes records; none is an empty continuation: " + outcomes.stream()
                        .map(o -> o.result().recordsSynced()).toList());
        assertEquals(1, outcomes.size(), "one invocation pushes both batches and completes");
        assertEquals(200, versions().size());
        assertTrue(centralRecords.listRecords("aggregated/_state/" + ACCOUNT + "/resume/").isEmpty());
    }

    @Test
    void aSmallScanThatFitsItsBudgetSendsNoContinuation() {
        // Two files of a few lines each: a batch of 100 lines would not fit the budget at the
        // time per line the first file measured, but the second file's five lines do.
        List<String> assets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assets.add("{\"id\": \"asset-" + i + "\", \"name\": \"a" + i + "\", \"resource_type\": \"bucket\"}");
        }
        spoke.writeRecord("small/findings.jsonl", (String.join("\n", findings(6, "Public bucket")) + "\n")
                .getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
        spoke.writeRecord("small/assets.jsonl", (String.join("\n", assets) + "\n").getBytes(StandardCharsets.UTF_8),
                WriteCondition.NONE);
        List<ScanLocator.ScanFile> files = ScanLocator.locate(spoke, "small");

        ResumablePush.Outcome outcome = new ResumablePush(PushDescription.of(config), central).nanoTime(clock::get)
                .run(spoke, files, "memory://spoke/small", ACCOUNT, "aws", Duration.ofMillis(100));

        assertTrue(outcome.finished(), "the whole scan fits: " + outcome.checkpoint());
        assertFalse(outcome.needsContinuation());
        assertEquals(11, outcome.result().recordsSynced());
    }

    @Test
    void aStoppedPushKeepsItsCheckpointAtABatchBoundaryUnderTheAccountsState() {
        writeScan(findings(1_000, "Public bucket"));

        ResumablePush.Outcome first = invoke(Duration.ofMillis(250));

        assertFalse(first.finished());
        assertTrue(first.needsContinuation());
        PushCheckpoint.FileProgress progress = first.checkpoint().files().get(0);
        assertEquals(FILE, progress.key());
        assertEquals(0, progress.line() % 100, "a batch boundary: " + progress.line());
        assertTrue(progress.line() > 0 && progress.line() < 1_000, "line " + progress.line());
        assertEquals(spoke.getMetadata(FILE).orElseThrow().etag(), progress.version());
        String key = PushCheckpoint.key("aggregated", ACCOUNT, SOURCE);
        assertTrue(key.startsWith("aggregated/_state/" + ACCOUNT + "/"));
        assertEquals(first.checkpoint(), PushCheckpoint.parse(centralRecords.readRecord(key).orElseThrow().content()));
        assertEquals(progress.line(), versions().size(), "exactly the completed batches are in central");
    }

    @Test
    void aNewerVersionOfTheScanRestartsFromItsFirstLine() {
        writeScan(findings(1_000, "Public bucket"));
        ResumablePush.Outcome first = invoke(Duration.ofMillis(250));
        assertFalse(first.finished());

        writeScan(findings(1_000, "Still public")); // a later scan: newer last_seen
        ResumablePush.Outcome outcome;
        int invocations = 0;
        do {
            outcome = invoke(Duration.ofMillis(250));
            invocations++;
        } while (outcome.needsContinuation() && invocations < 100);

        assertTrue(outcome.finished());
        long pushedBefore = first.checkpoint().files().get(0).line();
        Map<String, Long> versions = versions();
        assertEquals(1_000, versions.size());
        // Records of the first partial push were rewritten with the new content (version 2), the rest created once.
        assertEquals(pushedBefore, versions.values().stream().filter(v -> v == 2L).count());
        assertEquals(1_000 - pushedBefore, versions.values().stream().filter(v -> v == 1L).count());
        String first0 = new String(centralRecords.contents().entrySet().stream()
                .filter(e -> e.getKey().endsWith("finding-00000.json")).findFirst().orElseThrow().getValue(),
                StandardCharsets.UTF_8);
        assertTrue(first0.contains("Still public 0"), first0);
    }

    @Test
    void errorsNameTheirLineInTheWholeFileAfterAResumeAndTheGoodLinesStillArrive() {
        List<String> lines = findings(1_000, "Public bucket");
        lines.set(849, "{not json");
        lines.set(600, "   [\"an array line at a batch boundary\"]");
        writeScan(lines);

        List<String> errors = new ArrayList<>();
        ResumablePush.Outcome outcome;
        int invocations = 0;
        do {
            outcome = invoke(Duration.ofMillis(250));
            errors.addAll(outcome.result().errors());
            invocations++;
        } while (outcome.needsContinuation() && invocations < 100);

        assertTrue(invocations > 2, "resumed: " + invocations);
        assertEquals(2, errors.size(), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains("line 850")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains("line 601")), errors::toString);
        assertEquals(998, versions().size());
        versions().forEach((key, version) -> assertEquals(1L, version, key));
    }

    @Test
    void withoutABudgetOnePushStreamsTheWholeScan() {
        writeScan(findings(1_000, "Public bucket"));

        ResumablePush.Outcome outcome = invoke(null);

        assertTrue(outcome.finished());
        assertEquals(1_000, outcome.result().recordsSynced());
        assertEquals(1, outcome.checkpoint().invocations());
    }

    @Test
    void aBudgetedPushAsksTheSpokeForTheScansVersionOnceAndDeletesOnlyTheCheckpointItSaved() {
        writeScan(findings(300, "Public bucket"));
        AtomicLong metadataReads = new AtomicLong();
        StorageAdapter countedSpoke = new ForwardingStore(spoke) {
            @Override
            public java.util.Optional<com.mantissa.stance.sync.storage.ObjectMetadata> getMetadata(String path) {
                metadataReads.incrementAndGet();
                return delegate.getMetadata(path);
            }
        };
        long centralRequestsBefore = centralRecords.requests();

        ResumablePush.Outcome outcome = invoke(countedSpoke, Duration.ofHours(1));

        assertTrue(outcome.finished());
        assertEquals(300, outcome.result().recordsSynced());
        assertEquals(1, metadataReads.get(), "HEAD requests of the scan file on the spoke");
        assertEquals(1, ((SlowStore) central).deletes.get(), "checkpoint deletes: none existed, but one was saved");
        // 300 creates, the index read and write, the status write, the checkpoint read, the saved
        // checkpoints of the batches, the delete of the saved checkpoint, the account's status
        // that the push writes when it finishes, as every push does, the index read once before
        // the first file, to find the files it shows unchanged, and the one object of the change
        // feed, which records the 300 findings the invocation opened.
        assertTrue(centralRecords.requests() - centralRequestsBefore <= 300 + 4 + 3 + 2 + 1 + 1,
                "central requests: " + (centralRecords.requests() - centralRequestsBefore));
    }

    @Test
    void anUnboundedPushThatFinishesInOneInvocationDeletesNoCheckpoint() {
        writeScan(findings(300, "Public bucket"));

        ResumablePush.Outcome outcome = invoke(null);

        assertTrue(outcome.finished());
        assertEquals(0, ((SlowStore) central).deletes.get(), "checkpoint deletes when none was ever stored");
    }

    /** Central, where every write takes a simulated millisecond. */
    private static final class SlowStore extends ForwardingStore {
        private final AtomicLong clock;
        final AtomicLong deletes = new AtomicLong();

        SlowStore(MemoryStore delegate, AtomicLong clock) {
            super(delegate);
            this.clock = clock;
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            clock.addAndGet(1_000_000);
            return delegate.writeRecord(path, content, condition);
        }

        @Override
        public void deleteRecord(String path) {
            deletes.incrementAndGet();
            delegate.deleteRecord(path);
        }

        @Override
        public String location() {
            return "memory://central";
        }
    }
}
