package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One account's pushes through the change feed, on any central store: a first snapshot opens
 * findings, an unchanged re-push records nothing, a second snapshot a day later raises a
 * severity, resolves one finding by its status and one by its absence (resolve-missing),
 * reopens a resolved one and brings a new suppressed one, and its re-push records nothing either.
 */
final class ChangeFeedScenario {
    static final String ACCOUNT = "111122223333";
    static final String PREFIX = "hub";
    static final Instant DAY1 = Instant.parse("2026-11-30T10:00:00.123456Z");
    static final Instant DAY2 = Instant.parse("2026-12-01T10:00:00Z");
    static final String SNAP1 = "20261130-100000";
    static final String SNAP2 = "20261201-100000";

    private final StorageAdapter central;
    private final ConflictResolution strategy;
    private final boolean useIndex;
    private final MemoryStore source = new MemoryStore();

    ChangeFeedScenario(StorageAdapter central, ConflictResolution strategy, boolean useIndex) {
        this.central = central;
        this.strategy = strategy;
        this.useIndex = useIndex;
        source.writeRecord(path(SNAP1), lines(
                finding("f-1", "open", "high", "Port 22 open to the world", "a-1", "2026-11-30T09:00:00"),
                finding("f-2", "open", "medium", "Bucket without versioning", "a-2", "2026-11-30T09:00:00"),
                finding("f-3", "resolved", "low", "Old TLS policy", "a-3", "2026-11-30T09:00:00"),
                finding("f-5", "open", "low", "Unused key", "a-5", "2026-11-30T09:00:00")));
        source.writeRecord(path(SNAP2), lines(
                finding("f-1", "open", "critical", "Port 22 open to the world", "a-1", "2026-12-01T09:00:00"),
                finding("f-2", "resolved", "medium", "Bucket without versioning", "a-2", "2026-12-01T09:00:00"),
                finding("f-3", "open", "low", "Old TLS policy", "a-3", "2026-12-01T09:00:00"),
                finding("f-6", "suppressed", "info", "Default VPC", "a-6", "2026-12-01T09:00:00")));
    }

    static String path(String snapshot) {
        return "stance/findings/" + snapshot + "/findings.jsonl";
    }

    private static String finding(String id, String status, String severity, String title, String asset,
                                  String lastSeen) {
        return "{\"id\": \"" + id + "\", \"asset_id\": \"" + asset + "\", \"finding_type\": \"misconfiguration\", "
                + "\"severity\": \"" + severity + "\", \"status\": \"" + status + "\", \"title\": \"" + title
                + "\", \"last_seen\": \"" + lastSeen + "\"}";
    }

    private static byte[] lines(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes one snapshot at {@code at}, with resolve-missing (any share); its changes. */
    CrossCloudSync push(String snapshot, Instant at) {
        SyncConfig config = SyncConfig.builder("central").centralPrefix(PREFIX).conflictResolution(strategy)
                .batchSize(2).concurrency(4).build();
        CrossCloudSync sync = Central.at(central, PREFIX).push(PushDescription.of(config)
                        .withUseIndex(useIndex).withResolve(new ResolveSettings(1.0, false))
                        .withIndexMaxAge(Duration.ofDays(7)))
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanFiles(source, List.of(new ScanLocator.ScanFile(RecordKind.FINDING, path(snapshot), path(snapshot))),
                ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.toString());
        return sync;
    }

    /** Whether a re-push leaves the unchanged scan file unread (the index's strategies that never rewrite it). */
    private boolean skipsUnchangedFiles() {
        return useIndex && (strategy == ConflictResolution.LATEST_WINS || strategy == ConflictResolution.CENTRAL_WINS);
    }

    /** Runs the whole sequence, asserting each push's changes and the feed objects it leaves. */
    void run() {
        PushChanges first = only(push(SNAP1, DAY1));
        assertTrue(first.recorded(), "the first push records its changes");
        assertEquals(PREFIX + "/_changes/" + ACCOUNT + "/dt=2026-11-30/" + first.push() + ".jsonl", first.key());
        assertEquals(List.of("f-1 opened high", "f-2 opened medium", "f-5 opened low"), summary(first.changes()));
        FindingChange opened = first.changes().get(0);
        assertEquals("2026-11-30T10:00:00.123456+00:00", FindingChangeJson.formatAt(opened.at()));
        assertEquals(List.of(ACCOUNT, "aws", "Port 22 open to the world", "a-1", SNAP1),
                List.of(opened.account(), opened.provider(), opened.title(), opened.assetId(), opened.snapshot()));
        assertNull(opened.previousSeverity());
        assertEquals(first.changes(), stored(first.key()));

        PushChanges again = only(push(SNAP1, DAY1.plusSeconds(3600)));
        assertEquals(List.of(), again.changes(), "an unchanged re-push records nothing");
        assertFalse(again.recorded());
        if (!skipsUnchangedFiles()) {
            // A file the index shows unchanged is not read, and adds nothing to the push id.
            assertEquals(first.push(), again.push(), "the same content is the same push");
        }
        assertEquals(List.of(first.key()), feedKeys());

        CrossCloudSync secondPush = push(SNAP2, DAY2);
        if (useIndex && strategy == ConflictResolution.LATEST_WINS) {
            // The index, once, to learn whether the snapshot is unchanged since its last resolve
            // pass (it is not) and for the push; f-3's read before it is reopened; the resolve
            // pass's look at f-5 and its read before resolving it; the index again, for the pass's
            // correction of it. f-1 and f-2 are replaced from the index, their old state known
            // without a read.
            assertEquals(5, secondPush.requests().reads(), secondPush.requests().toString());
        }
        PushChanges second = only(secondPush);
        assertTrue(second.recorded());
        assertTrue(second.key().startsWith(PREFIX + "/_changes/" + ACCOUNT + "/dt=2026-12-01/"), second.key());
        List<String> expected = strategy == ConflictResolution.CENTRAL_WINS
                // Central's copies of f-1, f-2 and f-3 win: only the resolve pass changes anything.
                ? List.of("f-5 resolved low")
                : List.of("f-1 severity_changed critical (was high)", "f-2 resolved medium", "f-3 reopened low",
                        "f-5 resolved low");
        assertEquals(expected, summary(second.changes()), strategy + (useIndex ? " with" : " without") + " index");
        assertEquals(second.changes(), stored(second.key()));
        for (FindingChange change : second.changes()) {
            assertEquals(SNAP2, change.snapshot());
            assertEquals(DAY2, change.at().toInstant());
        }

        PushChanges secondAgain = only(push(SNAP2, DAY2.plusSeconds(60)));
        assertEquals(List.of(), secondAgain.changes(), "an unchanged re-push records nothing");
        assertEquals(List.of(first.key(), second.key()), feedKeys());
    }

    static PushChanges only(CrossCloudSync sync) {
        assertEquals(1, sync.lastChanges().size(), sync.lastChanges().toString());
        return sync.lastChanges().get(0);
    }

    static List<String> summary(List<FindingChange> changes) {
        List<String> out = new ArrayList<>();
        for (FindingChange c : changes) {
            out.add(c.id() + " " + c.change().text() + " " + c.severity()
                    + (c.previousSeverity() == null ? "" : " (was " + c.previousSeverity() + ")"));
        }
        return out;
    }

    List<String> feedKeys() {
        return central.listRecords(PREFIX + "/_changes/");
    }

    /** The changes a feed object holds, parsed back line by line. */
    List<FindingChange> stored(String key) {
        String text = new String(central.readRecord(key).orElseThrow().content(), StandardCharsets.UTF_8);
        List<FindingChange> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Map<String, Object> map = JsonParser.parseObject(line);
            out.add(FindingChangeJson.fromMap(map));
        }
        return out;
    }
}
