package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push index heals: an entry older than the index's maximum age is checked against
 * central again (one read per record per age), so a record deleted or edited out of band is
 * restored within that age; a central record whose checksum does not verify is corrupt, not
 * newer, and the local record replaces it under every strategy, with or without the index;
 * an index that cannot be read or written is reported in the result.
 */
class IndexHealingTest {
    private static final String ACCOUNT = "123456789012";
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final int RECORDS = 20;

    @TempDir
    Path root;
    LocalStorageAdapter central;
    CountingStore counting;

    @BeforeEach
    void setUp() {
        central = new LocalStorageAdapter(root.resolve("central"));
        counting = new CountingStore(central);
    }

    static List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("id", "f-" + i);
            f.put("title", "local " + i);
            f.put("last_seen", "2026-01-01T00:00:00Z");
            records.add(f);
        }
        return records;
    }

    SyncResult push(StorageAdapter store, ConflictResolution strategy, Instant at, Duration maxAge, boolean index) {
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").conflictResolution(strategy)
                .concurrency(4).batchSize(8).build(), store)
                .clock(Clock.fixed(at, ZoneOffset.UTC)).useIndex(index);
        if (maxAge != null) {
            sync.indexMaxAge(maxAge);
        }
        sync.addLocalFindings(snapshot(), ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertEquals(List.of(), result.errors());
        return result;
    }

    String path(String id) {
        return RecordPaths.findingPath("aggregated", ACCOUNT, id);
    }

    Map<String, Object> stored(String id) {
        return JsonParser.parseObject(new String(central.readRecord(path(id)).orElseThrow().content(),
                StandardCharsets.UTF_8));
    }

    /** An edit by hand: a field changed, {@code _checksum} left as it was, so it no longer verifies. */
    void tamper(String id) {
        Map<String, Object> record = stored(id);
        record.put("title", "edited by hand");
        central.writeRecord(path(id), CanonicalJson.bytes(record));
    }

    static boolean verifies(Map<String, Object> record) {
        return Checksums.recordChecksum(record).equals(record.get("_checksum"));
    }

    @Test
    void aRecordDeletedOutOfBandIsRestoredOnceItsIndexEntryIsOlderThanTheMaximumAge() {
        push(central, ConflictResolution.LATEST_WINS, T0, null, true);
        central.deleteRecord(path("f-3"));

        SyncResult withinAge = push(central, ConflictResolution.LATEST_WINS, T0.plus(Duration.ofHours(23)), null, true);
        assertEquals(RECORDS, withinAge.recordsSkipped(), "within the default 24h the index still vouches");
        assertTrue(central.readRecord(path("f-3")).isEmpty());

        SyncResult pastAge = push(central, ConflictResolution.LATEST_WINS, T0.plus(Duration.ofHours(25)), null, true);
        assertEquals(1, pastAge.recordsSynced(), pastAge.toString());
        assertEquals(RECORDS - 1, pastAge.recordsSkipped());
        assertEquals("local 3", stored("f-3").get("title"));
    }

    @Test
    void maximumAgeZeroReChecksEveryRecordWithOneReadEach() {
        push(counting, ConflictResolution.LATEST_WINS, T0, null, true);
        central.deleteRecord(path("f-5"));
        counting.reset();

        SyncResult result = push(counting, ConflictResolution.LATEST_WINS, T0.plusSeconds(1), Duration.ZERO, true);

        assertEquals(1, result.recordsSynced());
        // The same content on the same day is the same push: its change feed object is there
        // already, and is read once to tell it from a lost answer of this push's own write.
        assertEquals(RECORDS + 2, counting.reads.get(), "the index, one read per record and the feed object");
        assertEquals(3, counting.writes.get(), "the restored record, the index and the change feed (it opened again)");
        assertTrue(central.readRecord(path("f-5")).isPresent());
    }

    @Test
    void aReCheckedEntryIsTrustedAgainForAnotherAge() {
        push(counting, ConflictResolution.LATEST_WINS, T0, Duration.ofHours(1), true);
        counting.reset();
        push(counting, ConflictResolution.LATEST_WINS, T0.plus(Duration.ofHours(2)), Duration.ofHours(1), true);
        assertEquals(RECORDS + 1, counting.reads.get(), "past the age: the index and one read per record");
        counting.reset();

        push(counting, ConflictResolution.LATEST_WINS, T0.plus(Duration.ofMinutes(150)), Duration.ofHours(1), true);

        assertEquals(1, counting.reads.get(), "re-checked 30 minutes ago: only the index is read");
        assertEquals(0, counting.writes.get());
    }

    @Test
    void aCentralRecordWhoseChecksumDoesNotVerifyIsReplacedUnderEveryStrategyWithAndWithoutTheIndex() {
        for (ConflictResolution strategy : ConflictResolution.values()) {
            for (boolean index : new boolean[] {false, true}) {
                setUp();
                central = new LocalStorageAdapter(root.resolve("central-" + strategy + "-" + index));
                push(central, strategy, T0, null, index);
                tamper("f-2");
                Map<String, Object> onlyChecksum = stored("f-4");
                onlyChecksum.put("_checksum", "0".repeat(64));
                central.writeRecord(path("f-4"), CanonicalJson.bytes(onlyChecksum));

                SyncResult result = push(central, strategy, T0.plus(Duration.ofHours(25)), null, index);

                String what = strategy + " index=" + index;
                assertEquals(2, result.recordsSynced(), what + " " + result);
                assertEquals("local 2", stored("f-2").get("title"), what);
                assertTrue(verifies(stored("f-2")), what);
                assertTrue(verifies(stored("f-4")), what);
                assertEquals(2L, stored("f-2").get("_version"), what);
            }
        }
    }

    @Test
    void anIndexThatCannotBeReadIsReportedInTheResultWithoutFailingTheRecords() throws Exception {
        Files.createDirectories(root.resolve("central").resolve(CrossCloudSync.indexPath("aggregated", ACCOUNT)));

        SyncResult result = push(central, ConflictResolution.LATEST_WINS, T0, null, true);

        assertTrue(result.success(), result.toString());
        assertEquals(RECORDS, result.recordsSynced());
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        assertTrue(result.warnings().get(0).contains(CrossCloudSync.indexPath("aggregated", ACCOUNT)),
                result.warnings().toString());
        assertEquals(List.of("success", "records_synced", "records_skipped", "conflicts_resolved", "errors",
                "duration_seconds", "sync_direction"), List.copyOf(result.toMap().keySet()));
    }

    @Test
    void anIndexThatCannotBeWrittenIsReportedInTheResultWithoutFailingTheRecords() {
        String index = CrossCloudSync.indexPath("aggregated", ACCOUNT);
        CountingStore refusesTheIndex = new CountingStore(central) {
            @Override
            public String writeRecord(String path, byte[] content, WriteCondition condition) {
                if (path.equals(index)) {
                    throw new PermanentStorageException("write of '" + path + "' refused (injected)", null);
                }
                return super.writeRecord(path, content, condition);
            }
        };

        SyncResult result = push(refusesTheIndex, ConflictResolution.LATEST_WINS, T0, null, true);

        assertTrue(result.success(), result.toString());
        assertEquals(RECORDS, result.recordsSynced());
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        assertTrue(result.warnings().get(0).contains(index) && result.warnings().get(0).contains("could not be written"),
                result.warnings().toString());
        assertTrue(central.readRecord(index).isEmpty());
    }

    @Test
    void aCorruptIndexIsReportedAndRebuilt() throws Exception {
        push(central, ConflictResolution.LATEST_WINS, T0, null, true);
        Files.writeString(root.resolve("central").resolve(CrossCloudSync.indexPath("aggregated", ACCOUNT)), "garbage");

        SyncResult result = push(central, ConflictResolution.LATEST_WINS, T0.plusSeconds(60), null, true);

        assertEquals(RECORDS, result.recordsSkipped());
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        assertTrue(result.warnings().get(0).contains("corrupt"), result.warnings().toString());
        SyncResult again = push(central, ConflictResolution.LATEST_WINS, T0.plusSeconds(120), null, true);
        assertEquals(List.of(), again.warnings());
    }
}
