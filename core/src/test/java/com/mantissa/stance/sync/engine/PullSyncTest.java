package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.engine.FolderCentral.ACCOUNT;
import static com.mantissa.stance.sync.engine.FolderCentral.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PULL copies central's verified records into a target, and a bidirectional sync pushes, then pulls. */
class PullSyncTest {
    @TempDir
    Path root;
    FolderCentral folder;
    LocalStorageAdapter central;

    @BeforeEach
    void setUp() {
        folder = new FolderCentral(root.resolve("central"));
        central = folder.store;
    }

    @Test
    void pullCopiesVerifiedRecordsAndRejectsTamperedOnes() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", null, "good"), finding("f-2", null, "bad")));
        String tampered = RecordPaths.findingPath("aggregated", ACCOUNT, "f-2");
        Map<String, Object> record = folder.stored("f-2");
        record.put("severity", "low");
        central.writeRecord(tampered, CanonicalJson.bytes(record));
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));

        CrossCloudSync pull = new CrossCloudSync(folder.config().syncDirection(SyncDirection.PULL).build(), central, target);
        SyncResult result = pull.sync();

        assertEquals(1, result.recordsSynced());
        assertEquals(List.of("Checksum mismatch for " + tampered + "; not copied"), result.errors());
        String good = RecordPaths.findingPath("aggregated", ACCOUNT, "f-1");
        assertEquals(new String(central.readRecord(good).orElseThrow().content(), StandardCharsets.UTF_8),
                new String(target.readRecord(good).orElseThrow().content(), StandardCharsets.UTF_8));
        assertTrue(target.readRecord(tampered).isEmpty());
        assertEquals(SyncDirection.PULL, result.syncDirection());
    }

    @Test
    void pullSkipsRecordsAlreadyIdenticalInTarget() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-1", null, "a"), finding("f-2", null, "b")));
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));
        SyncConfig pullConfig = folder.config().syncDirection(SyncDirection.PULL).build();
        new CrossCloudSync(pullConfig, central, target).sync();

        SyncResult again = new CrossCloudSync(pullConfig, central, target).sync();

        assertEquals(0, again.recordsSynced());
        assertEquals(2, again.recordsSkipped());
    }

    @Test
    void bidirectionalSumsPushAndPull() {
        folder.push(ConflictResolution.LATEST_WINS, List.of(finding("f-0", null, "already central")));
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));
        CrossCloudSync sync = new CrossCloudSync(folder.config().syncDirection(SyncDirection.BIDIRECTIONAL).build(), central,
                target);
        sync.addLocalFindings(List.of(finding("f-1", null, "new")), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        assertEquals(3, result.recordsSynced(), "1 pushed + 2 pulled");
        assertEquals(SyncDirection.BIDIRECTIONAL, result.syncDirection());
        assertEquals("bidirectional", result.toMap().get("sync_direction"));
    }

    @Test
    void pullNeverCopiesTheIndex() {
        folder.push(ConflictResolution.LATEST_WINS, IntStream.range(0, 50).mapToObj(i -> finding("f-" + i, null, "a")).toList());
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));

        SyncResult pulled = new CrossCloudSync(SyncConfig.builder("central").syncDirection(SyncDirection.PULL).build(),
                central, target).sync();

        assertEquals(50, pulled.recordsSynced());
        assertTrue(target.listRecords("aggregated/_state/").isEmpty());
    }
}
