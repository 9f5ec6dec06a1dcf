package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.scan.KnownLines;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The status a push writes counts the snapshot exactly as a census of its scan files does, on
 * data with duplicated ids, bad lines, invalid records, resolved and other findings and assets:
 * when every line is parsed, when unchanged lines are recognised from their bytes (their count
 * then comes from the index), and with an index stored before lines were counted.
 */
class SnapshotCountsPushTest {
    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "aggregated";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final String FINDINGS = "stance/findings/20261130-100000/findings.jsonl";
    private static final String ASSETS = "stance/assets/20261130-100000/assets.jsonl";
    private static final List<ScanLocator.ScanFile> FILES = List.of(
            new ScanLocator.ScanFile(RecordKind.FINDING, FINDINGS, "findings.jsonl"),
            new ScanLocator.ScanFile(RecordKind.ASSET, ASSETS, "assets.jsonl"));

    static String finding(String id, String status, String seen) {
        return "{\"id\": \"" + id + "\"" + (status == null ? "" : ", \"status\": \"" + status + "\"")
                + ", \"severity\": \"high\", \"last_seen\": \"2026-11-30T" + seen + ":00Z\"}";
    }

    /** Findings of every sort; {@code variant} changes some of them. */
    static String findings(int variant) {
        List<String> lines = new ArrayList<>();
        lines.add(finding("f-1", "open", "09:00"));
        lines.add(finding("f-2", variant == 0 ? "resolved" : "open", "09:00"));
        lines.add(finding("f-3", "RESOLVED", "09:00"));
        lines.add(finding("f-4", null, "09:00"));
        lines.add(finding("f-5", "suppressed", "09:00"));
        lines.add(finding("f-1", "resolved", "09:30")); // a duplicated id, changed
        lines.add("{not json");
        lines.add("");
        lines.add("{\"no_id\": true, \"status\": \"open\"}");
        lines.add("{\"id\": 7, \"status\": \"open\"}");
        lines.add("{\"id\": \"f-6\", \"severity\": \"urgent\"}"); // an id, but no valid finding
        lines.add("{\"id\": \"a\\\\b\", \"status\": \"open\"}"); // an id central cannot hold
        lines.add("[1, 2]");
        for (int i = 10; i < 30 - variant * 5; i++) {
            lines.add(finding("f-" + i, i % 3 == 0 ? "resolved" : "open", "09:00"));
        }
        lines.add(finding("f-4", null, "09:00")); // the same line twice
        return String.join("\n", lines) + "\n";
    }

    static String assets() {
        return "{\"id\": \"a-1\", \"type\": \"bucket\"}\n{\"id\": \"a-2\", \"type\": \"bucket\"}\n"
                + "{\"id\": \"a-1\", \"type\": \"bucket\"}\n{\"type\": \"no id\"}\n{oops\n";
    }

    static MemoryStore source(int variant) {
        MemoryStore source = new MemoryStore();
        source.writeRecord(FINDINGS, findings(variant).getBytes(StandardCharsets.UTF_8));
        source.writeRecord(ASSETS, assets().getBytes(StandardCharsets.UTF_8));
        return source;
    }

    static SyncResult push(MemoryStore central, MemoryStore source, Instant at) {
        SyncConfig config = SyncConfig.builder("central").batchSize(4).concurrency(3).build();
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false)
                .clock(Clock.fixed(at, ZoneOffset.UTC));
        sync.addScanFiles(source, FILES, ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertFalse(result.errors().isEmpty(), "the scan has bad lines");
        return result;
    }

    static List<Long> census(MemoryStore source) {
        SnapshotCensus census = new SnapshotCensus(PREFIX, ACCOUNT);
        census.read(source, FILES, true);
        return List.of(census.findings(), census.open(), census.resolved(), census.assets());
    }

    static List<Long> status(MemoryStore central) {
        AccountStatus status = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        return List.of(status.findings(), status.open(), status.resolved(), status.assets());
    }

    /** Lines of the findings file the index recognises from their bytes, which are not parsed. */
    static int knownLines(MemoryStore central, MemoryStore source, Instant at) {
        PushIndex index = PushIndex.parse(central.readRecord(CrossCloudSync.indexPath(PREFIX, ACCOUNT)).orElseThrow()
                .content(), ACCOUNT);
        KnownLines known = new KnownLines(index, RecordKind.FINDING, Clock.fixed(at, ZoneOffset.UTC),
                SyncOptions.DEFAULT_INDEX_MAX_AGE.toNanos() / 1000);
        int count = 0;
        RecordSource scan = RecordSource.ofScanFile(RecordKind.FINDING, "findings.jsonl",
                () -> source.openStream(FINDINGS), ACCOUNT, "aws", -1);
        try (RecordSource.Items items = scan.open(known)) {
            while (items.hasNext()) {
                RecordSource.Item item = items.next();
                if (item.known()) {
                    assertEquals(null, item.raw(), "a known line is not parsed");
                    count++;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count;
    }

    @Test
    void theStatusOfAFirstPushCountsAsTheCensus() {
        MemoryStore central = new MemoryStore();
        MemoryStore source = source(0);

        push(central, source, T0);

        // Lines, not ids: 28 findings (f-1 twice, f-4's line twice, f-6 without a valid record,
        // f-10..f-29); 9 resolved (f-2, f-3, f-1's second line, 6 of f-10..f-29); f-5 neither
        // open nor resolved; 18 open; 3 asset lines (a-1 twice).
        assertEquals(List.of(28L, 18L, 9L, 3L), census(source));
        assertEquals(census(source), status(central));
    }

    @Test
    void anUnchangedRePushCountsFromTheIndexWithoutParsingAndAsTheCensus() {
        MemoryStore central = new MemoryStore();
        MemoryStore source = source(0);
        push(central, source, T0);
        Instant later = T0.plusSeconds(60);

        // Every line whose record central holds from exactly that line: all valid findings but
        // f-1's first line (its record was replaced by the duplicate's).
        assertEquals(26, knownLines(central, source, later));
        central.deleteRecord(AccountStatus.key(PREFIX, ACCOUNT, "aws"));
        SyncResult again = push(central, source, later);

        assertEquals(0, again.recordsSynced());
        assertEquals(census(source), status(central));
    }

    @Test
    void aChangedSnapshotCountsAsItsCensus() {
        MemoryStore central = new MemoryStore();
        push(central, source(0), T0);
        MemoryStore changed = source(1);

        push(central, changed, T0.plusSeconds(60));

        assertEquals(List.of(23L, 15L, 7L, 3L), census(changed));
        assertEquals(census(changed), status(central));
    }

    @Test
    void anIndexStoredBeforeLinesWereCountedHasItsLinesParsedOnceThenKnown() {
        MemoryStore central = new MemoryStore();
        MemoryStore source = source(0);
        push(central, source, T0);
        String key = CrossCloudSync.indexPath(PREFIX, ACCOUNT);
        PushIndex current = PushIndex.parse(central.readRecord(key).orElseThrow().content(), ACCOUNT);
        central.writeRecord(key, withoutCounts(current));
        central.deleteRecord(AccountStatus.key(PREFIX, ACCOUNT, "aws"));
        Instant later = T0.plusSeconds(60);
        PushIndex old = PushIndex.parse(central.readRecord(key).orElseThrow().content(), ACCOUNT);
        old.forEach((k, entry) -> assertEquals(CountedAs.UNKNOWN, entry.counted()));

        assertEquals(0, knownLines(central, source, later), "an entry that does not know how its line counts");
        SyncResult upgraded = push(central, source, later);

        assertEquals(0, upgraded.recordsSynced());
        assertEquals(census(source), status(central));
        assertEquals(26, knownLines(central, source, later.plusSeconds(60)), "the index learnt the counts");
        push(central, source, later.plusSeconds(60));
        assertEquals(census(source), status(central));
    }

    /** {@code index} in the stored format before lines were counted ({@code STIDX003}). */
    static byte[] withoutCounts(PushIndex index) {
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        byte[] account = index.accountId().getBytes(StandardCharsets.UTF_8);
        out.put("STIDX003".getBytes(StandardCharsets.US_ASCII)).putShort((short) account.length).put(account)
                .putInt(index.size());
        index.forEach((key, e) -> {
            out.putLong(key.hi()).putLong(key.lo());
            for (long part : e.checksum()) {
                out.putLong(part);
            }
            out.putLong(e.version()).putLong(e.time()).putLong(e.checkedAt()).putLong(e.rawHi()).putLong(e.rawLo());
            byte[] token = e.token().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) token.length).put(token);
        });
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        assertTrue(bytes.length > 100);
        return bytes;
    }
}
