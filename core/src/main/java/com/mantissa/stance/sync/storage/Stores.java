package com.mantissa.stance.sync.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the store a {@link StorageLocation} names, one adapter per bucket/container/folder
 * for the life of this object. Cloud SDK clients are created lazily by the adapters, once per
 * process, only for the schemes actually used, with each SDK's standard credential chain and
 * endpoint variables.
 */
public final class Stores implements AutoCloseable {
    private final Map<String, StorageAdapter> open = new ConcurrentHashMap<>();

    /** The store holding {@code location}; its prefix is ignored (keys are full keys). */
    public StorageAdapter open(StorageLocation location) {
        String key = location.scheme() + "|" + location.bucketName();
        return open.computeIfAbsent(key, k -> create(location));
    }

    private static StorageAdapter create(StorageLocation location) {
        return switch (location.scheme()) {
            case FILE -> new LocalStorageAdapter(location.folder());
            case S3 -> new S3StorageAdapter(location.bucket());
            case GCS -> new GCSStorageAdapter(location.bucket());
            case AZURE -> new AzureBlobStorageAdapter(location.bucket(), location.container());
        };
    }

    @Override
    public void close() {
        open.values().forEach(StorageAdapter::close);
        open.clear();
    }
}
