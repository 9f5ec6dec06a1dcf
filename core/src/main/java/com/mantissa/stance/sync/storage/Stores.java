package com.mantissa.stance.sync.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the store a {@link StorageLocation} names, one adapter per bucket/container/folder
 * for the life of this object. Cloud SDK clients are created lazily by the adapters, once per
 * process, only for the schemes actually used, with each SDK's standard credential chain and
 * endpoint variables.
 *
 * <p>Only the adapter of a scheme that is opened is loaded, and with it its SDK: a function
 * artifact carries only its own cloud's SDKs (README, "Function artifacts"), so before an
 * adapter is created its SDK's entry classes are looked up by name, and a location whose SDK
 * this build left out fails with one {@link PermanentStorageException} naming the build flag
 * that adds it, instead of a {@link NoClassDefFoundError} in the middle of a sync.
 */
public final class Stores implements AutoCloseable {
    private final Map<String, StorageAdapter> open = new ConcurrentHashMap<>();

    /**
     * The store holding {@code location}; its prefix is ignored (keys are full keys).
     *
     * @throws PermanentStorageException when this build does not carry the SDK of the location's cloud
     */
    public StorageAdapter open(StorageLocation location) {
        requireSdk(location);
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

    /**
     * Creates the process-wide SDK client of {@code scheme}'s stores now, where the adapter
     * shares one (S3) and this build carries its SDK; does nothing otherwise. An error is left
     * for the first call that needs the client to report.
     */
    public static void prepare(StorageLocation.Scheme scheme) {
        if (scheme == StorageLocation.Scheme.S3 && firstMissing(S3_SDK) == null) {
            S3StorageAdapter.prepareDefaultClient();
        }
    }

    /** Whether this build carries the AWS SDK's S3 client and the HTTP client the S3 adapter uses. */
    public static boolean hasS3Sdk() {
        return firstMissing(S3_SDK) == null;
    }

    private static final List<String> S3_SDK = List.of("software.amazon.awssdk.services.s3.S3Client",
            "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient");

    /**
     * Fails when the SDK that the adapter of {@code location}'s scheme is built on is not on the
     * class path.
     *
     * @throws PermanentStorageException naming the location, the SDK and the build flag that adds it
     */
    public static void requireSdk(StorageLocation location) {
        String missing = switch (location.scheme()) {
            case FILE -> null;
            case S3 -> firstMissing(S3_SDK);
            case GCS -> firstMissing(List.of("com.google.cloud.storage.StorageOptions"));
            case AZURE -> firstMissing(List.of("com.azure.storage.blob.BlobServiceClientBuilder",
                    "com.azure.identity.DefaultAzureCredentialBuilder",
                    "com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder"));
        };
        if (missing != null) {
            throw new PermanentStorageException(missingSdkMessage(StorageLocation.redact(location.toString()),
                    location.scheme()) + " (" + missing + " is not on the class path)", null);
        }
    }

    /** The one message for a location of {@code scheme} whose SDK this build does not carry. */
    static String missingSdkMessage(String location, StorageLocation.Scheme scheme) {
        String sdk = switch (scheme) {
            case S3 -> "the Amazon S3 adapter (AWS SDK)";
            case GCS -> "the Google Cloud Storage adapter (Google Cloud SDK)";
            case AZURE -> "the Azure Blob Storage adapter (Azure SDK)";
            case FILE -> throw new IllegalArgumentException("a folder needs no SDK");
        };
        return location + " needs " + sdk + ", which this build leaves out (a function artifact carries only its"
                + " own cloud's SDKs): rebuild the function with the Maven flag -Pwith-" + scheme.provider()
                + " (or -Pall-clouds)";
    }

    /** The first of {@code classNames} that this class's loader cannot find, or null. */
    private static String firstMissing(List<String> classNames) {
        for (String name : classNames) {
            try {
                Class.forName(name, false, Stores.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return name;
            }
        }
        return null;
    }

    @Override
    public void close() {
        open.values().forEach(StorageAdapter::close);
        open.clear();
    }
}
