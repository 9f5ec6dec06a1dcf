package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A push that holds one id several times ends with what processing the records one by one in
 * input order gives (as with concurrency 1): under LATEST_WINS the first of equal
 * {@code last_seen} stays, under LOCAL_WINS the last copy, MERGE folds them in order. The same
 * at concurrency 16, with or without the index, with duplicates in one batch or spread over
 * batches, into an empty central or over records already there, run after run.
 */
@org.junit.jupiter.api.Tag("slow")
class DuplicateIdsPushTest {
    private static final String ACCOUNT = "123456789012";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
    /** Per copy of an id: the last_seen day. Order matters: copy 1 wins under LATEST_WINS. */
    private static final int[] DAYS = {1, 3, 3, 2, 3, 1};
    private static final int IDS = 40;
    /**
     * Runs of each setting: more in memory, where a push is quick and races have the most
     * chances; fewer on a folder, where every write is a file and 6 runs took half a minute.
     */
    private static final int REPEATS_IN_MEMORY = 6;
    private static final int REPEATS_ON_A_FOLDER = 3;

    @TempDir
    Path root;
    int stores;

    static List<Map<String, Object>> scan() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int copy = 0; copy < DAYS.length; copy++) {
            for (int i = 0; i < IDS; i++) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("id", "dup-" + i);
                f.put("title", "copy " + copy);
                f.put("compliance_frameworks", List.of("F" + copy));
                // Even ids: every copy has the same last_seen (the first must stay); odd: they differ.
                f.put("last_seen", "2026-01-0" + (i % 2 == 0 ? 1 : DAYS[copy]) + "T00:00:00Z");
                records.add(f);
            }
        }
        return records;
    }

    static List<Map<String, Object>> earlier() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < IDS; i += 3) {
            records.add(new LinkedHashMap<>(Map.of("id", "dup-" + i, "title", "earlier",
                    "last_seen", "2026-01-02T00:00:00Z")));
        }
        return records;
    }

    record Run(Map<String, String> central, long synced, long skipped, long conflicts) {
    }

    Run push(Supplier<StorageAdapter> newStore, ConflictResolution strategy, int concurrency, int batchSize,
             boolean index, boolean overExisting) {
        StorageAdapter store = newStore.get();
        SyncConfig config = SyncConfig.builder("central").conflictResolution(strategy).concurrency(concurrency)
                .batchSize(batchSize).build();
        if (overExisting) {
            CrossCloudSync first = new CrossCloudSync(config, store).useIndex(index).clock(CLOCK);
            first.addLocalFindings(earlier(), ACCOUNT, "aws");
            assertEquals(List.of(), first.sync().errors());
        }
        CrossCloudSync sync = new CrossCloudSync(config, store).useIndex(index).clock(CLOCK);
        sync.addLocalFindings(scan(), ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertEquals(List.of(), result.errors());
        Map<String, String> central = new TreeMap<>();
        for (String key : store.listRecords("aggregated/findings/")) {
            central.put(key, new String(store.readRecord(key).orElseThrow().content(), StandardCharsets.UTF_8));
        }
        assertEquals(IDS, central.size());
        return new Run(central, result.recordsSynced(), result.recordsSkipped(), result.conflictsResolved());
    }

    enum Store { FOLDER, MEMORY }

    Supplier<StorageAdapter> stores(Store kind) {
        return kind == Store.FOLDER ? () -> new LocalStorageAdapter(root.resolve("central-" + stores++))
                : MemoryStore::new;
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void everyConcurrencyGivesTheOutcomeOfInOrderProcessing(Store kind) {
        Supplier<StorageAdapter> newStore = stores(kind);
        int repeats = kind == Store.FOLDER ? REPEATS_ON_A_FOLDER : REPEATS_IN_MEMORY;
        for (ConflictResolution strategy : ConflictResolution.values()) {
            for (boolean overExisting : new boolean[] {false, true}) {
                Run inOrder = push(newStore, strategy, 1, 1, false, overExisting);
                for (boolean index : new boolean[] {true, false}) {
                    for (int batchSize : new int[] {1000, 7}) {
                        for (int repeat = 0; repeat < repeats; repeat++) {
                            Run parallel = push(newStore, strategy, 16, batchSize, index, overExisting);
                            String what = strategy + " index=" + index + " batch=" + batchSize + " over existing="
                                    + overExisting + " run " + repeat;
                            assertEquals(inOrder.central(), parallel.central(), what);
                            assertEquals(inOrder, parallel, what);
                        }
                    }
                }
            }
        }
    }
}
