package com.mantissa.stance.sync.storage;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google Cloud Storage through the JSON (HTTP) API of {@code google-cloud-storage}.
 *
 * <p>The version token is the object's generation as a decimal string; writes use the
 * generation preconditions ({@code ifGenerationMatch=0} to create, {@code =gen} to replace),
 * which GCS checks atomically on the server.
 *
 * <p>Unlike the Go, Python and Node clients, the Java client ignores {@code STORAGE_EMULATOR_HOST},
 * so this adapter reads it itself and, like those clients, then talks to that host without
 * credentials. Everything past the choice of host and credentials is the production code path.
 *
 * <p>Key limit: 1,024 UTF-8 bytes; a longer key is an {@link InvalidKeyException} (that
 * record's problem), raised before any request.
 */
public final class GCSStorageAdapter implements StorageAdapter, StreamingUpload {

    /** The variable the other Google clients read to reach a GCS emulator. */
    public static final String EMULATOR_HOST_VARIABLE = "STORAGE_EMULATOR_HOST";

    // A read re-fetches when the object changes between its metadata and its bytes; a store that
    // changes the same object this often is better reported as busy than read forever.
    private static final int MAX_READ_ATTEMPTS = 5;

    /**
     * The part of a file a resumable upload holds in memory and sends per request (GCS wants a
     * multiple of 256 KiB): what an export of any size costs the heap for its upload.
     */
    static final int UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

    /** The read stream's buffer: what it asks the client's channel for at a time. */
    static final int READ_CHUNK_BYTES = 2 * 1024 * 1024;

    // One client per endpoint and process, made on first use: creating one loads credentials and
    // an HTTP transport, which dominates a function's cold start, and a client is thread-safe.
    private static final Map<String, Storage> CLIENTS = new ConcurrentHashMap<>();

    private final String bucket;
    private volatile Storage client;
    // Set once a call has shown the bucket exists; until then a 404 that the client reports as
    // "absent" (get, delete) is checked against the bucket so a missing bucket is not taken for
    // a missing record.
    private volatile boolean bucketSeen;

    /**
     * Uses the standard credential chain, or the emulator named by {@code STORAGE_EMULATOR_HOST}
     * (system property first, then environment, see {@link StorageSettings}); connects on first use.
     */
    public GCSStorageAdapter(String bucket) {
        this.bucket = requireBucket(bucket);
    }

    /** Uses a client configured by the caller. */
    public GCSStorageAdapter(String bucket, Storage storage) {
        this.bucket = requireBucket(bucket);
        this.client = Objects.requireNonNull(storage, "storage");
    }

    private static String requireBucket(String bucket) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("GCS bucket name must not be blank");
        }
        return bucket;
    }

    private Storage client() {
        Storage c = client;
        if (c == null) {
            c = sharedClient();
            client = c;
        }
        return c;
    }

    private static Storage sharedClient() {
        String emulator = StorageSettings.get(EMULATOR_HOST_VARIABLE);
        return CLIENTS.computeIfAbsent(emulator == null ? "" : emulator,
                host -> host.isEmpty()
                        ? configure(StorageOptions.http(), StorageTimeouts.fromSettings()).build().getService()
                        : emulatorClient(host));
    }

    private static Storage emulatorClient(String host) {
        // The other clients accept a bare host:port as well as a URL.
        String url = host.contains("://") ? host : "http://" + host;
        // An explicit project keeps the client from asking the GCE metadata server for one; an
        // emulator ignores it.
        String project = StorageSettings.get("GOOGLE_CLOUD_PROJECT");
        return configure(StorageOptions.http(), StorageTimeouts.fromSettings())
                .setHost(url)
                .setProjectId(project == null ? "stance-sync-emulator" : project)
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
    }

    /**
     * What every client this adapter builds has, and what a caller-built client should have:
     * one attempt per call (the client's default is
     * 6, under the engine's retries; see {@link StorageTimeouts}), bounded by {@code timeouts}.
     */
    public static HttpStorageOptions.Builder configure(HttpStorageOptions.Builder builder, StorageTimeouts timeouts) {
        int connectMillis = (int) timeouts.connect().toMillis();
        int attemptMillis = (int) timeouts.attempt().toMillis();
        return builder
                .setRetrySettings(RetrySettings.newBuilder()
                        .setMaxAttempts(1)
                        .setTotalTimeoutDuration(timeouts.attempt())
                        .setInitialRpcTimeoutDuration(timeouts.attempt())
                        .setMaxRpcTimeoutDuration(timeouts.attempt())
                        .build())
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setConnectTimeout(connectMillis)
                        .setReadTimeout(attemptMillis)
                        .build());
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        BlobInfo info = BlobInfo.newBuilder(bucket, path).setContentType("application/json").build();
        Storage.BlobTargetOption[] options = switch (condition.kind()) {
            case NONE -> new Storage.BlobTargetOption[0];
            case IF_ABSENT -> new Storage.BlobTargetOption[] {Storage.BlobTargetOption.doesNotExist()};
            case IF_MATCH -> new Storage.BlobTargetOption[] {
                Storage.BlobTargetOption.generationMatch(parseGeneration(condition.versionToken()))};
        };
        // If an attempt was applied but its answer lost, the engine's retry meets its own object
        // and gets 412; the engine re-reads on every PreconditionFailedException, finds its
        // record already there and settles.
        Blob blob = call("write", path, () -> client().create(info, content, options));
        bucketSeen = true;
        return Long.toString(blob.getGeneration());
    }

    /**
     * A resumable upload through the client's {@code WriteChannel}, {@link #UPLOAD_CHUNK_BYTES}
     * per request, so the file is never held whole. Unconditional, as {@link StreamingUpload}
     * promises. The channel does not hand back the object it wrote (the client keeps that
     * behind a package-private type), so the version token is read with one metadata call
     * right after.
     */
    @Override
    public String uploadFile(String path, Path file) {
        BlobInfo info = BlobInfo.newBuilder(bucket, path).build();
        Blob blob = call("write", path, () -> {
            Storage storage = client();
            try (FileChannel in = FileChannel.open(file)) {
                try (WriteChannel writer = storage.writer(info)) {
                    writer.setChunkSize(UPLOAD_CHUNK_BYTES);
                    ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
                    while (in.read(buffer) >= 0 || buffer.position() > 0) {
                        buffer.flip();
                        writer.write(buffer);
                        buffer.compact();
                    }
                }
            } catch (IOException e) {
                if (e.getCause() instanceof RuntimeException fromStore) {
                    throw fromStore; // the client's StorageException, wrapped by the channel
                }
                throw new PermanentStorageException("cannot upload " + file + " to gs://" + bucket + "/" + path
                        + ": " + e, e);
            }
            return storage.get(BlobId.of(bucket, path));
        });
        bucketSeen = true;
        if (blob == null) {
            throw new TransientStorageException("gs://" + bucket + "/" + path + " was gone right after its upload", null);
        }
        return Long.toString(blob.getGeneration());
    }

    /**
     * Streams the object with the client's {@code ReadChannel}, {@link #READ_CHUNK_BYTES} at a
     * time, pinned to the generation the metadata call found: scan files can exceed the heap,
     * and a stream must not continue into another write's bytes.
     */
    @Override
    public InputStream openStream(String path) {
        Storage storage = client();
        return call("open", path, () -> {
            Blob blob = storage.get(BlobId.of(bucket, path));
            if (blob == null) {
                requireBucket(storage);
                throw new NotFoundException(location() + "/" + path + " does not exist", null);
            }
            bucketSeen = true;
            ReadChannel reader = storage.reader(BlobId.of(bucket, path, blob.getGeneration()));
            reader.setChunkSize(READ_CHUNK_BYTES);
            return Channels.newInputStream(reader);
        });
    }

    private long parseGeneration(String token) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            // A token from another store (an S3 etag, a local hash) can never match here.
            throw new PreconditionFailedException(
                    "gs://" + bucket + ": version token '" + token + "' is not a GCS generation", e);
        }
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        Storage storage = client();
        Optional<StoredObject> read = call("read", path, () -> {
            for (int attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
                Blob blob = storage.get(BlobId.of(bucket, path));
                if (blob == null) {
                    requireBucket(storage);
                    return Optional.empty();
                }
                bucketSeen = true;
                long generation = blob.getGeneration();
                try {
                    // The metadata call gives the generation, the media call the bytes; the
                    // precondition makes sure both describe the same write.
                    byte[] bytes = storage.readAllBytes(BlobId.of(bucket, path),
                            Storage.BlobSourceOption.generationMatch(generation));
                    return Optional.of(new StoredObject(bytes, Long.toString(generation)));
                } catch (com.google.cloud.storage.StorageException e) {
                    if (e.getCode() == 404) {
                        return Optional.empty();
                    }
                    if (e.getCode() != 412) {
                        throw e;
                    }
                }
            }
            return null;
        });
        if (read != null) {
            return read;
        }
        throw new TransientStorageException("gs://" + bucket + "/" + path + " changed on every one of "
                + MAX_READ_ATTEMPTS + " read attempts", null);
    }

    @Override
    public List<String> listRecords(String prefix) {
        List<String> keys = call("list", prefix + "*", () -> {
            List<String> found = new ArrayList<>();
            // Only names are needed; iterateAll follows nextPageToken across pages.
            for (Blob blob : client()
                    .list(bucket, Storage.BlobListOption.prefix(prefix == null ? "" : prefix),
                            Storage.BlobListOption.fields(Storage.BlobField.NAME))
                    .iterateAll()) {
                found.add(blob.getName());
            }
            return found;
        });
        bucketSeen = true;
        // GCS orders by UTF-8 bytes; the contract promises the same order on every store.
        Collections.sort(keys);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        Storage storage = client();
        call("delete", path, () -> {
            if (!storage.delete(BlobId.of(bucket, path))) {
                requireBucket(storage);
            }
            return null;
        });
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        Storage storage = client();
        return call("stat", path, () -> {
            Blob blob = storage.get(BlobId.of(bucket, path));
            if (blob == null) {
                requireBucket(storage);
                return Optional.empty();
            }
            bucketSeen = true;
            OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
            return Optional.of(new ObjectMetadata(
                    blob.getSize() == null ? 0L : blob.getSize(),
                    updated == null ? null : updated.toInstant(),
                    blob.getEtag(),
                    blob.getGeneration()));
        });
    }

    @Override
    public String location() {
        return "gs://" + bucket;
    }

    /**
     * The client answers 404 on get and delete with null/false whether the object or the whole
     * bucket is missing. A list call (which needs only object-list permission, unlike a bucket
     * get) tells them apart; its 404 becomes the permanent "bucket does not exist" error.
     */
    private void requireBucket(Storage storage) {
        if (bucketSeen) {
            return;
        }
        storage.list(bucket, Storage.BlobListOption.pageSize(1),
                Storage.BlobListOption.fields(Storage.BlobField.NAME));
        bucketSeen = true;
    }

    /**
     * The one translation template of this adapter: checks the key against the limit, makes the
     * client call and maps any failure onto the core's error types. The client itself answers
     * a missing object with null or false, so no 404 here is about an object.
     */
    private <T> T call(String operation, String key, StorageErrors.SdkCall<T> call) {
        StorageErrors.requireCloudKey(key, location());
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw translate(e, operation, key);
        }
    }

    private StorageException translate(RuntimeException e, String operation, String key) {
        if (e instanceof StorageException own) {
            return own;
        }
        String where = "gs://" + bucket + "/" + (key == null ? "" : key);
        if (!(e instanceof BaseServiceException service)) {
            return new PermanentStorageException("GCS " + operation + " of " + where + " failed: " + e, e);
        }
        int code = service.getCode();
        String reason = "GCS " + operation + " of " + where + " failed (" + code + "): " + e.getMessage();
        if (code == 404) {
            // Object 404s never get here (they are answered as absent), so this is the bucket.
            return new PermanentStorageException("GCS bucket '" + bucket + "' does not exist or is not visible"
                    + " (" + operation + " of " + where + ")", e);
        }
        if (code == 412) {
            return new PreconditionFailedException(reason, e);
        }
        // Code 0 means no HTTP answer at all (refused, reset, timed out). Only then does an
        // IOException cause mean a network failure: an HTTP error's cause is an IOException too.
        if (code == 0 && (StorageErrors.isIoFailure(e.getCause()) || service.isRetryable())) {
            // Worded as the other adapters word it, so a store that went away reads the same on every cloud.
            return new TransientStorageException(reason + " (connection failed or timed out)", e);
        }
        if (StorageErrors.isTransientStatus(code)) {
            return new TransientStorageException(reason, e, StorageErrors.isThrottlingStatus(code));
        }
        return new PermanentStorageException(reason, e);
    }
}
