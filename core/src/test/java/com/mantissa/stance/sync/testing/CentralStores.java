package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import java.util.HashMap;
import java.util.Map;

/**
 * The central stores of the 3×3 matrix: one handler module against a
 * central bucket of each kind, each on its loopback server, reached by URI exactly as a
 * deployment names it in {@code STANCE_CENTRAL_URI}.
 */
public final class CentralStores {

    /** The kinds of central store a hub can live on. */
    public enum Kind { S3, GCS, AZURE }

    private final MotoServer moto;
    private final GcsServer gcs;
    private final AzuriteServer azurite;
    private final Stores stores = new Stores();

    public CentralStores(MotoServer moto, GcsServer gcs, AzuriteServer azurite) {
        this.moto = moto;
        this.gcs = gcs;
        this.azurite = azurite;
    }

    /** Creates an empty bucket (or container) called {@code name} and returns its central URI. */
    public String create(Kind kind, String name) {
        return switch (kind) {
            case S3 -> {
                moto.createBucket(name);
                yield "s3://" + name;
            }
            case GCS -> {
                gcs.createBucket(name);
                yield "gs://" + name;
            }
            case AZURE -> {
                azurite.createContainer(name);
                yield "az://" + AzuriteServer.ACCOUNT + "/" + name;
            }
        };
    }

    /** The store a central URI names, to read back what a handler wrote. */
    public StorageAdapter open(String centralUri) {
        return stores.open(StorageLocation.parse(centralUri));
    }

    /** What a child process (a function runtime) needs in its environment to reach all three servers. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(moto.environment());
        env.putAll(gcs.environment());
        env.putAll(azurite.environment());
        return env;
    }
}
