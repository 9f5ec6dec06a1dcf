package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.engine.FolderCentral.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.wire.Checksums;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each conflict strategy does when a push finds the record in central with other content. */
class ConflictStrategyPushTest {
    @TempDir
    Path root;
    FolderCentral folder;

    @BeforeEach
    void setUp() {
        folder = new FolderCentral(root.resolve("central"));
    }

    @Test
    void latestWinsOverwritesWhenLocalIsNewer() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-01-01T00:00:00Z", "old")));

        SyncResult result = folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-02-01T00:00:00", "new")));

        assertEquals(1, result.recordsSynced());
        assertEquals(1, result.conflictsResolved());
        assertEquals("new", folder.stored("f-1").get("title"));
        assertEquals(2L, folder.stored("f-1").get("_version"));
    }

    @Test
    void latestWinsSkipsOlderLocalRecord() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-02-01T00:00:00+00:00", "newer")));

        SyncResult result = folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-01-31T23:00:00-00:30", "older")));

        assertEquals(0, result.recordsSynced());
        assertEquals(1, result.recordsSkipped());
        assertEquals("newer", folder.stored("f-1").get("title"));
    }

    @Test
    void latestWinsSkipsEqualTimestampsTakingNaiveTimesAsUtc() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-02-01T00:00:00", "first")));

        SyncResult result = folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", "2024-02-01T00:00:00Z", "same time")));

        assertEquals(1, result.recordsSkipped());
        assertEquals("first", folder.stored("f-1").get("title"));
    }

    @Test
    void centralWinsNeverOverwrites() {
        folder.push(ConflictResolution.CENTRAL_WINS, List.of(finding("f-1", "2024-01-01T00:00:00", "central")));

        SyncResult result = folder.push(ConflictResolution.CENTRAL_WINS, List.of(finding("f-1", "2025-01-01T00:00:00", "local")));

        assertEquals(1, result.recordsSkipped());
        assertEquals("central", folder.stored("f-1").get("title"));
    }

    @Test
    void localWinsOverwritesOlderLocalAndCountsTheConflict() {
        folder.push(ConflictResolution.LOCAL_WINS, List.of(finding("f-1", "2025-01-01T00:00:00", "central")));

        SyncResult result = folder.push(ConflictResolution.LOCAL_WINS, List.of(finding("f-1", "2020-01-01T00:00:00", "local")));

        assertEquals(1, result.recordsSynced());
        assertEquals(1, result.conflictsResolved());
        assertEquals("local", folder.stored("f-1").get("title"));
    }

    @Test
    void mergeKeepsCentralValuesWhereLocalIsEmptyAndUnionsFrameworks() {
        Map<String, Object> first = finding("f-1", "2024-03-01T00:00:00", "title from central");
        first.put("first_seen", "2024-01-01T00:00:00");
        first.put("description", "central description");
        first.put("compliance_frameworks", List.of("CIS 1.2", "PCI"));
        folder.push(ConflictResolution.MERGE, List.of(first));
        Map<String, Object> second = finding("f-1", "2024-02-01T00:00:00", "");
        second.put("first_seen", "2024-01-15T00:00:00");
        second.put("rule_id", "rule-9");
        second.put("compliance_frameworks", List.of("PCI", "NIST"));

        SyncResult result = folder.push(ConflictResolution.MERGE, List.of(second));

        assertEquals(1, result.conflictsResolved());
        Map<String, Object> merged = folder.stored("f-1");
        assertEquals("title from central", merged.get("title"));
        assertEquals("central description", merged.get("description"));
        assertEquals("rule-9", merged.get("rule_id"));
        assertEquals(List.of("CIS 1.2", "PCI", "NIST"), merged.get("compliance_frameworks"));
        assertEquals("2024-01-01T00:00:00", merged.get("first_seen"));
        assertEquals("2024-03-01T00:00:00", merged.get("last_seen"));
        assertEquals(2L, merged.get("_version"));
        assertEquals(Checksums.recordChecksum(merged), merged.get("_checksum"));
    }

    @Test
    void mergeThatChangesNothingIsSkipped() {
        Map<String, Object> full = finding("f-1", "2024-03-01T00:00:00", "t");
        folder.push(ConflictResolution.MERGE, List.of(full));

        SyncResult result = folder.push(ConflictResolution.MERGE, List.of(finding("f-1", "2024-01-01T00:00:00", "")));

        assertEquals(1, result.recordsSkipped());
        assertEquals(1L, folder.stored("f-1").get("_version"));
    }
}
