package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A re-pushed scan line byte-identical to the one central's record came from is skipped unparsed, never wrongly. */
class KnownLinesPushTest {
    private static final String ACCOUNT = "123456789012";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    static String line(int i, String status) {
        return "{\"id\": \"f-" + i + "\", \"status\": \"" + status + "\", \"severity\": \"high\", "
                + "\"last_seen\": \"2026-11-30T09:00:00Z\"}";
    }

    static String scan(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    static List<String> lines(int n, String status) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(line(i, status));
        }
        return lines;
    }

    /** One push of {@code scan}; returns its result and the requests it made. */
    static Object[] push(MemoryStore central, String scan, Instant at, ConflictResolution strategy) {
        SyncConfig config = SyncConfig.builder("central").batchSize(7).concurrency(3).conflictResolution(strategy)
                .includeAssets(false).build();
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false)
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanFile(RecordKind.FINDING, "findings.jsonl",
                () -> new ByteArrayInputStream(scan.getBytes(StandardCharsets.UTF_8)), ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.toString());
        return new Object[] {result, sync.requests()};
    }

    static PushIndex index(MemoryStore central) {
        return PushIndex.parse(central.readRecord(CrossCloudSync.indexPath("aggregated", ACCOUNT)).orElseThrow()
                .content(), ACCOUNT);
    }

    @Test
    void anUnchangedRePushIsRecognisedFromTheLinesBytesAndCostsOneRead() {
        MemoryStore central = new MemoryStore();
        String scan = scan(lines(20, "open"));
        push(central, scan, T0, ConflictResolution.LATEST_WINS);
        index(central).forEach((key, entry) -> assertNotEquals(0L, entry.rawHi() | entry.rawLo()));

        Object[] again = push(central, scan, T0.plusSeconds(60), ConflictResolution.LATEST_WINS);

        assertEquals(20, ((SyncResult) again[0]).recordsSkipped());
        assertEquals(new RequestCounts(1, 0, 0, 0, 0, 0), again[1]);
    }

    @Test
    void otherBytesOfTheSameContentTakeTheCanonicalPathAndTheIndexLearnsThem() {
        MemoryStore central = new MemoryStore();
        push(central, scan(lines(10, "open")), T0, ConflictResolution.LATEST_WINS);
        List<String> spaced = new ArrayList<>();
        lines(10, "open").forEach(l -> spaced.add(l.replace(", ", ",")));

        Object[] reworded = push(central, scan(spaced), T0.plusSeconds(60), ConflictResolution.LATEST_WINS);
        Object[] again = push(central, scan(spaced), T0.plusSeconds(120), ConflictResolution.LATEST_WINS);

        assertEquals(10, ((SyncResult) reworded[0]).recordsSkipped());
        // The index read, then the index rewritten with the new lines' hashes: no record written.
        assertEquals(new RequestCounts(1, 1, 0, 0, 0, 0), reworded[1]);
        assertEquals(new RequestCounts(1, 0, 0, 0, 0, 0), again[1]);
    }

    @Test
    void aByteIdenticalLineWhoseEntryIsOlderThanTheMaxAgeIsStillReadFromCentral() {
        MemoryStore central = new MemoryStore();
        String scan = scan(lines(5, "open"));
        push(central, scan, T0, ConflictResolution.LATEST_WINS);

        Instant dayLater = T0.plus(SyncOptions.DEFAULT_INDEX_MAX_AGE).plusSeconds(1);
        Object[] stale = push(central, scan, dayLater, ConflictResolution.LATEST_WINS);

        assertEquals(5, ((SyncResult) stale[0]).recordsSkipped());
        // Each record read again (5), plus the index read; the index rewritten with the new check times.
        assertEquals(new RequestCounts(6, 1, 0, 0, 0, 0), stale[1]);
    }

    @Test
    void aChangedLineIsPushedAndCentralEndsAsWithoutTheShortcut() {
        MemoryStore fast = new MemoryStore();
        List<String> first = lines(30, "open");
        push(fast, scan(first), T0, ConflictResolution.LATEST_WINS);
        // Every third record changes; one id appears twice in a batch: changed, then as it was.
        List<String> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            second.add(i % 3 == 0 ? line(i, "resolved").replace("09:00", "09:30") : first.get(i));
        }
        second.add(2, line(0, "open"));
        second.add(1, line(0, "resolved").replace("09:00", "09:30"));

        Object[] result = push(fast, scan(second), T0.plusSeconds(60), ConflictResolution.LATEST_WINS);

        MemoryStore reference = new MemoryStore();
        push(reference, scan(first), T0, ConflictResolution.LATEST_WINS);
        SyncConfig config = SyncConfig.builder("central").batchSize(7).concurrency(3).includeAssets(false).build();
        CrossCloudSync slow = new CrossCloudSync(config, reference).trackState(true)
                .clock(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        slow.addScanFile(RecordKind.FINDING, "findings.jsonl",
                () -> new ByteArrayInputStream(scan(second).getBytes(StandardCharsets.UTF_8)), ACCOUNT, "aws");
        SyncResult canonical = slow.sync();

        assertEquals(canonical.recordsSynced(), ((SyncResult) result[0]).recordsSynced());
        assertEquals(canonical.recordsSkipped(), ((SyncResult) result[0]).recordsSkipped());
        assertEquals(records(reference), records(fast));
        assertEquals(10, ((RequestCounts) result[1]).conditionalWrites() - 2,
                "10 changed records, the index and the change feed");
    }

    private static Map<String, String> records(MemoryStore store) {
        Map<String, String> out = new TreeMap<>();
        store.contents().forEach((k, v) -> {
            if (!k.contains("/_state/")) {
                out.put(k, new String(v, StandardCharsets.UTF_8));
            }
        });
        return out;
    }

    @Test
    void linesParsedOnTheWorkersGiveTheSameErrorsInTheSameOrderAsParsingWhileReading() {
        byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', ' ', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        String scan = line(1, "open") + "\n\n   \n{\"id\": \"f-2\", \"severity\": \"urgent\"}\n[1, 2]\n{not json\n"
                + new String(invalidUtf8, StandardCharsets.ISO_8859_1) + "\n" + line(3, "open") + "\n" + line(1, "closed")
                + "\n{\"no_id\": true}\n\u00a0\n" + line(4, "open");
        byte[] bytes = scan.getBytes(StandardCharsets.ISO_8859_1);
        SyncResult[] results = new SyncResult[2];
        MemoryStore[] stores = {new MemoryStore(), new MemoryStore()};
        for (int i = 0; i < 2; i++) {
            SyncConfig config = SyncConfig.builder("central").batchSize(4).concurrency(3).includeAssets(false).build();
            CrossCloudSync sync = new CrossCloudSync(config, stores[i]).trackState(i == 0)
                    .clock(Clock.fixed(T0, ZoneOffset.UTC));
            sync.addScanFile(RecordKind.FINDING, "findings.jsonl", () -> new ByteArrayInputStream(bytes), ACCOUNT,
                    "aws");
            results[i] = sync.sync();
        }

        assertEquals(results[0].errors(), results[1].errors());
        assertEquals(7, results[1].errors().size(), results[1].errors().toString());
        assertTrue(results[1].errors().get(0).startsWith("findings.jsonl line 4: "), results[1].errors().toString());
        assertEquals(results[0].recordsSynced(), results[1].recordsSynced());
        assertEquals(records(stores[0]), records(stores[1]));
    }
}
