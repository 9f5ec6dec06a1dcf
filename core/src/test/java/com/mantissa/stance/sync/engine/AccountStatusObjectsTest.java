package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A push records the account's status without reading any earlier status: a push of both kinds
 * writes {@code status.json}, a push of one kind (an event-driven push of one file) its own
 * object, and each kind's counts are read from the newest object that has them.
 */
class AccountStatusObjectsTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    static MemoryStore source(int findings, int assets) {
        MemoryStore source = new MemoryStore();
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            f.append("{\"id\": \"f-").append(i).append("\", \"status\": \"").append(i % 2 == 0 ? "open" : "resolved")
                    .append("\"}\n");
        }
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < assets; i++) {
            a.append("{\"id\": \"a-").append(i).append("\"}\n");
        }
        source.writeRecord("findings.jsonl", f.toString().getBytes(StandardCharsets.UTF_8));
        source.writeRecord("assets.jsonl", a.toString().getBytes(StandardCharsets.UTF_8));
        return source;
    }

    /** Pushes the given kinds' files of {@code source}; returns the requests made to central. */
    static CountingStore push(StorageAdapter central, MemoryStore source, Instant at, RecordKind... kinds) {
        CountingStore counting = new CountingStore(central);
        List<ScanLocator.ScanFile> files = new ArrayList<>();
        for (RecordKind kind : kinds) {
            String name = kind.folder() + ".jsonl";
            files.add(new ScanLocator.ScanFile(kind, name, name));
        }
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), counting).trackState(false)
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanFiles(source, files, ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.toString());
        return counting;
    }

    static List<Long> counts(MemoryStore central) {
        AccountStatus s = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        return List.of(s.findings(), s.open(), s.resolved(), s.assets());
    }

    @Test
    void aPushOfOneKindReadsNoStatusAndKeepsTheOtherKindsCounts() {
        MemoryStore central = new MemoryStore();
        push(central, source(10, 3), T0, RecordKind.FINDING, RecordKind.ASSET);

        CountingStore requests = push(central, source(4, 0), T0.plusSeconds(60), RecordKind.FINDING);

        assertEquals(1, requests.counts().reads(), "the push index only: " + requests.counts());
        assertEquals(1, requests.counts().unconditionalWrites(), "the findings status: " + requests.counts());
        assertEquals(List.of(4L, 2L, 2L, 3L), counts(central));
        assertTrue(central.readRecord(PREFIX + "/_state/" + ACCOUNT + "/status-findings.aws.json").isPresent());
        AccountStatus status = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        assertEquals(T0.plusSeconds(60), status.lastPush());
    }

    @Test
    void pushesOfEachKindAtOnceKeepBothKindsCounts() {
        MemoryStore central = new MemoryStore();
        push(central, source(10, 3), T0, RecordKind.FINDING, RecordKind.ASSET);

        // Two events of one new snapshot, one per file, at once: the assets push's status
        // write lands only after the findings push finished. Had either read the status to
        // carry the other kind's counts over, the late write would bring back 10 findings.
        LateStatusWrites late = new LateStatusWrites(central);
        push(late, source(6, 5), T0.plusSeconds(60), RecordKind.ASSET);
        push(central, source(6, 5), T0.plusSeconds(61), RecordKind.FINDING);
        late.land();

        assertEquals(List.of(6L, 3L, 3L, 5L), counts(central));
        assertEquals(T0.plusSeconds(61), AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow().lastPush());
    }

    /** Holds back writes of status objects until {@link #land()}. */
    static final class LateStatusWrites extends ForwardingStore {
        private final List<Runnable> held = new ArrayList<>();

        LateStatusWrites(MemoryStore store) {
            super(store);
        }

        void land() {
            assertEquals(1, held.size(), "one status write held back");
            held.forEach(Runnable::run);
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            if (path.contains("/status")) {
                held.add(() -> delegate.writeRecord(path, content, condition));
                return "held";
            }
            return delegate.writeRecord(path, content, condition);
        }
    }

    @Test
    void aLaterPushOfBothKindsOutranksEarlierPushesOfOne() {
        MemoryStore central = new MemoryStore();
        push(central, source(4, 0), T0, RecordKind.FINDING);
        push(central, source(0, 2), T0, RecordKind.ASSET);

        push(central, source(8, 1), T0.plusSeconds(60), RecordKind.FINDING, RecordKind.ASSET);

        assertEquals(List.of(8L, 4L, 4L, 1L), counts(central));
    }

    @Test
    void statusReadsOnlyTheStatusObjectsItListed() {
        MemoryStore central = new MemoryStore();
        push(central, source(10, 3), T0, RecordKind.FINDING, RecordKind.ASSET);
        CountingStore counting = new CountingStore(central);

        List<StatusOperation.Row> rows = new StatusOperation(counting, PREFIX, Duration.ofHours(48))
                .clock(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC)).run();

        assertEquals(1, rows.size());
        assertFalse(rows.get(0).stale());
        assertEquals(10, rows.get(0).status().findings());
        // The listing, status.aws.json (no per-kind object exists), the index's metadata.
        assertEquals(1, counting.counts().lists());
        assertEquals(1, counting.counts().reads(), counting.counts().toString());
        assertEquals(1, counting.counts().metadata());
    }
}
