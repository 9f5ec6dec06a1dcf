package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The change feed on the cloud stores (S3 on moto, Blob on Azurite, GCS on the JSON API fake,
 * as the storage contract runs it): each conflict strategy, with the index and without, and
 * resolve-missing, as {@link ChangeFeedScenario} runs them on a folder.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class ChangeFeedCloudTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Test
    void everyCloudStoreRecordsTheSameChanges(MotoServer moto, GcsServer gcs, AzuriteServer azurite) {
        CentralStores clouds = new CentralStores(moto, gcs, azurite);
        for (CentralStores.Kind kind : CentralStores.Kind.values()) {
            for (ConflictResolution strategy : ConflictResolution.values()) {
                for (boolean useIndex : new boolean[] {true, false}) {
                    StorageAdapter central = clouds.open(clouds.create(kind, "feed-" + BUCKETS.incrementAndGet()));
                    new ChangeFeedScenario(central, strategy, useIndex).run();
                }
            }
        }
    }
}
