package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.engine.central.ExportManifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the newest manifest entry says an export held, for the next export's estimate. */
class ExportManifestLastRecordsTest {
    @Test
    void findingsAndAssetsOfTheNewestEntryCount() {
        List<Map<String, Object>> entries = List.of(Map.of("finding_count", 7L, "asset_count", 3L),
                Map.of("finding_count", 100L, "asset_count", 100L));

        assertEquals(10, ExportManifest.lastRecords(entries, true));
        assertEquals(7, ExportManifest.lastRecords(entries, false));
    }

    @Test
    void anEntryThatDoesNotSayWhatItHeldGivesNoEstimate() {
        assertEquals(-1, ExportManifest.lastRecords(List.of(), true));
        assertEquals(-1, ExportManifest.lastRecords(List.of(Map.of("asset_count", 3L)), false));
        assertEquals(-1, ExportManifest.lastRecords(List.of(Map.of("finding_count", 7L)), true),
                "assets are exported, but the entry does not say how many there were");
        assertEquals(7, ExportManifest.lastRecords(List.of(Map.of("finding_count", 7L)), false));
        assertEquals(-1, ExportManifest.lastRecords(List.of(Map.of("finding_count", "7")), false));
        assertEquals(-1, ExportManifest.lastRecords(List.of(Map.of("finding_count", -9L, "asset_count", 2L)), true));
    }
}
