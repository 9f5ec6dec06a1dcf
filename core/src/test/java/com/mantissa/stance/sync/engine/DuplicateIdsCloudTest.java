package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.testing.MotoServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Duplicated ids end as in-order processing on the cloud stores too (S3 on moto, Blob on
 * Azurite, GCS on the JSON API fake), whose conditional writes and tokens differ from a folder's.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class DuplicateIdsCloudTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Test
    void concurrencySixteenGivesTheInOrderOutcomeOnEveryCloudStore(MotoServer moto, GcsServer gcs,
                                                                   AzuriteServer azurite) {
        CentralStores clouds = new CentralStores(moto, gcs, azurite);
        DuplicateIdsPushTest scans = new DuplicateIdsPushTest();
        for (ConflictResolution strategy : new ConflictResolution[] {ConflictResolution.LATEST_WINS,
                ConflictResolution.LOCAL_WINS}) {
            DuplicateIdsPushTest.Run inOrder = scans.push(MemoryStore::new, strategy, 1, 1, false, false);
            for (CentralStores.Kind kind : CentralStores.Kind.values()) {
                for (int repeat = 0; repeat < 3; repeat++) {
                    StorageAdapter store = clouds.open(clouds.create(kind, "dups-" + BUCKETS.incrementAndGet()));
                    DuplicateIdsPushTest.Run parallel = scans.push(() -> store, strategy, 16, 1000, true, false);
                    assertEquals(inOrder, parallel, strategy + " on " + kind + " run " + repeat);
                }
            }
        }
    }
}
