package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop through the engine API: the visible scan lands exactly where and as the original puts it. */
class VisibleVectorsSyncTest {

    @Test
    void pushOfTheVisibleScanWritesTheOriginalsPathsAndRecords(@TempDir Path dir) {
        LocalStorageAdapter central = new LocalStorageAdapter(dir);
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), central);
        for (RecordKind kind : RecordKind.values()) {
            String name = kind.folder() + ".jsonl";
            sync.addScanFile(kind, name, () -> new ByteArrayInputStream(VisibleVectors.scanFile(name)),
                    VisibleVectors.ACCOUNT, VisibleVectors.PROVIDER);
        }

        SyncResult result = sync.sync();

        assertTrue(result.success(), result.errors().toString());
        assertEquals(52, result.recordsSynced());
        VisibleVectors.assertCentralMatches(central);
        assertEquals(52, sync.getSyncState().size());
    }
}
