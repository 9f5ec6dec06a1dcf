package com.mantissa.stance.sync.storage;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container in Azure Blob Storage (or Azurite) through azure-storage-blob.
 *
 * <p>Where it connects follows the Azure SDK's conventions: when
 * {@code AZURE_STORAGE_CONNECTION_STRING} is set (system property first, then environment, as
 * in {@code com.azure.core.util.Configuration}) that connection string decides the account and
 * endpoint, which is how Azurite's {@code devstoreaccount1} is reached; otherwise the account's
 * public endpoint with {@code DefaultAzureCredential} (managed identity in Azure Functions,
 * the CLI login on a workstation).
 *
 * <p>Key limit: 1,024 UTF-8 bytes (Azure counts 1,024 characters; bytes are the stricter and
 * the same rule as S3's and GCS's); a longer key is an {@link InvalidKeyException} (that
 * record's problem), raised before any request.
 */
public final class AzureBlobStorageAdapter implements StorageAdapter, StreamingUpload {

    static final String CONNECTION_STRING_SETTING = "AZURE_STORAGE_CONNECTION_STRING";

    /** Azure's maximum page, so that listing a large prefix takes as few calls as possible. */
    private static final int LIST_PAGE_SIZE = 5000;

    /**
     * One try per call, bounded by the attempt timeout: the engine's retry decides about
     * repeating (see {@link StorageTimeouts}). For every client this adapter builds, and for a
     * caller-built one.
     */
    public static RequestRetryOptions retryOptions(StorageTimeouts timeouts) {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, timeouts.attempt(), null, null, null);
    }

    /**
     * The HTTP client of every Azure client this adapter builds, bounded by {@code timeouts}.
     * It is the java.net.http based one rather than the SDK's default Netty client: it adds no
     * dependencies and starts far faster (Netty's event loops and buffer pools cost hundreds of
     * milliseconds on a cold function), and with HTTP/1.1 keep-alive it sustains the same
     * small-object request rate. One per service client, and service clients are cached.
     */
    public static HttpClient httpClient(StorageTimeouts timeouts) {
        return new JdkHttpClientBuilder()
                .connectionTimeout(timeouts.connect())
                .responseTimeout(timeouts.attempt())
                .readTimeout(timeouts.attempt())
                .writeTimeout(timeouts.attempt())
                .build();
    }

    /** Service clients hold the pipeline and credential: one per account (or connection string). */
    private static final Map<String, BlobServiceClient> SERVICE_CLIENTS = new ConcurrentHashMap<>();
    private static final Map<String, BlobContainerClient> CONTAINER_CLIENTS = new ConcurrentHashMap<>();

    private final String accountName;
    private final String container;
    private volatile BlobContainerClient containerClient;

    /** A container reached through the connection string or the default credential chain; connects on first use. */
    public AzureBlobStorageAdapter(String accountName, String container) {
        if (container == null || container.isBlank()) {
            throw new IllegalArgumentException("Azure container name must not be blank");
        }
        this.accountName = accountName;
        this.container = container;
    }

    /** A container reached with a caller-built client. */
    public AzureBlobStorageAdapter(BlobContainerClient client) {
        this.containerClient = Objects.requireNonNull(client, "client");
        this.accountName = client.getAccountName();
        this.container = client.getBlobContainerName();
    }

    private BlobContainerClient containerClient() {
        BlobContainerClient c = containerClient;
        if (c == null) {
            String connectionString = StorageSettings.get(CONNECTION_STRING_SETTING);
            String serviceKey;
            if (connectionString != null) {
                serviceKey = "connection-string\n" + connectionString;
            } else {
                if (accountName == null || accountName.isBlank()) {
                    throw new PermanentStorageException("Azure storage account name is missing and "
                            + CONNECTION_STRING_SETTING + " is not set", null);
                }
                serviceKey = "account\n" + accountName;
            }
            c = CONTAINER_CLIENTS.computeIfAbsent(serviceKey + "\n" + container,
                    k -> SERVICE_CLIENTS.computeIfAbsent(serviceKey, s -> buildServiceClient(connectionString))
                            .getBlobContainerClient(container));
            containerClient = c;
        }
        return c;
    }

    private BlobServiceClient buildServiceClient(String connectionString) {
        // Read here, not in a static initialiser, so that a bad setting is a storage error of
        // the first call rather than an ExceptionInInitializerError.
        StorageTimeouts timeouts = StorageTimeouts.fromSettings();
        HttpClient http = httpClient(timeouts);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().httpClient(http)
                .retryOptions(retryOptions(timeouts));
        if (connectionString != null) {
            return builder.connectionString(connectionString).buildClient();
        }
        return builder.endpoint("https://" + accountName + ".blob.core.windows.net")
                .credential(new DefaultAzureCredentialBuilder().httpClient(http).build())
                .buildClient();
    }

    /**
     * Downloads read the body before the pipeline's policies see the response. Streamed (the
     * SDK's default for downloads) over the JDK HTTP client, a 503/ServerBusy answer's body was
     * subscribed twice, by the retry policy and by the error deserialiser, and the read failed
     * with "IllegalStateException: This publisher has already one subscriber": a throttled read
     * was neither retried nor recognised as transient. Records are small; buffering is free.
     */
    private static final Context EAGER_BODY = new Context("azure-eagerly-read-response", true);


    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        Objects.requireNonNull(content, "content");
        BlobRequestConditions conditions = new BlobRequestConditions();
        switch (condition.kind()) {
            case IF_ABSENT -> conditions.setIfNoneMatch("*");
            case IF_MATCH -> conditions.setIfMatch(condition.versionToken());
            case NONE -> { }
        }
        BlockBlobSimpleUploadOptions upload = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                .setRequestConditions(conditions);
        try {
            return call("write (" + condition + ")", path, () -> blob(path).getBlockBlobClient()
                    .uploadWithResponse(upload, null, Context.NONE).getValue().getETag());
        } catch (NotFoundException gone) {
            // If-Match on a blob that is gone is a lost race like any other: re-read, re-resolve.
            throw new PreconditionFailedException("write " + describe(path) + " " + condition
                    + ": the blob no longer exists", gone.getCause());
        }
    }

    /** Staged blocks read from the file a few at a time, committed as one blob. */
    @Override
    public String uploadFile(String path, java.nio.file.Path file) {
        return call("write", path, () -> blob(path).uploadFromFileWithResponse(
                new com.azure.storage.blob.options.BlobUploadFromFileOptions(file.toString()), null, Context.NONE)
                .getValue().getETag());
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        return StorageErrors.absentWhenNotFound(() -> call("read", path, () -> {
            BlobDownloadContentResponse response = blob(path).downloadContentWithResponse(null, null, null, EAGER_BODY);
            return new StoredObject(response.getValue().toBytes(), response.getDeserializedHeaders().getETag());
        }));
    }

    /** Streams the blob in ranged reads rather than buffering it: scan files can exceed the heap. */
    @Override
    public InputStream openStream(String path) {
        return call("open", path, () -> blob(path).openInputStream());
    }

    @Override
    public List<String> listRecords(String prefix) {
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(prefix == null || prefix.isEmpty() ? null : prefix)
                .setMaxResultsPerPage(LIST_PAGE_SIZE);
        List<String> keys = call("list", prefix + "*", () -> {
            List<String> found = new ArrayList<>();
            for (BlobItem item : containerClient().listBlobs(options, null)) {
                found.add(item.getName());
            }
            return found;
        });
        Collections.sort(keys);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        // Not deleteIfExists: it treats every 404 as success, a missing container included.
        StorageErrors.absentWhenNotFound(() -> call("delete", path,
                () -> blob(path).deleteWithResponse(null, null, null, Context.NONE)));
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        return StorageErrors.absentWhenNotFound(() -> call("get metadata of", path, () -> {
            BlobProperties p = blob(path).getPropertiesWithResponse(null, null, Context.NONE).getValue();
            return new ObjectMetadata(p.getBlobSize(),
                    p.getLastModified() == null ? null : p.getLastModified().toInstant(), p.getETag(), null);
        }));
    }

    /**
     * The one translation template of this adapter: checks the key against the limit, makes the
     * SDK call and maps any failure onto the core's error types. A 404 about the blob itself is a
     * {@link NotFoundException}, which the operations that answer "absent" turn into an empty
     * result; a missing container never is.
     */
    private <T> T call(String operation, String key, StorageErrors.SdkCall<T> call) {
        StorageErrors.requireCloudKey(key, location());
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw translate(operation + " " + describe(key), e);
        }
    }

    @Override
    public String location() {
        return "az://" + account() + "/" + container;
    }

    /** The connection string's account when one is set (it is authoritative), else the configured one. */
    private String account() {
        try {
            return containerClient().getAccountName();
        } catch (StorageException unusableConfiguration) {
            return accountName;
        }
    }

    private BlobClient blob(String path) {
        return containerClient().getBlobClient(path);
    }

    private String describe(String path) {
        return location() + "/" + path;
    }

    /** Maps an SDK failure onto the core's error types; messages name account, container and blob, never keys or SAS tokens. */
    private StorageException translate(String what, RuntimeException e) {
        if (e instanceof StorageException own) {
            return own;
        }
        if (e instanceof BlobStorageException b) {
            int status = b.getStatusCode();
            BlobErrorCode code = b.getErrorCode();
            String detail = what + ": HTTP " + status + (code == null ? "" : " " + code);
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return new PermanentStorageException(what + ": container '" + container
                        + "' does not exist (ContainerNotFound)", e);
            }
            if (status == 412 || BlobErrorCode.CONDITION_NOT_MET.equals(code)
                    || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code)) {
                return new PreconditionFailedException(detail, e);
            }
            if (status == 404) {
                return new NotFoundException(detail, e);
            }
            if (StorageErrors.isTransientStatus(status) || BlobErrorCode.SERVER_BUSY.equals(code)
                    || BlobErrorCode.OPERATION_TIMED_OUT.equals(code) || BlobErrorCode.INTERNAL_ERROR.equals(code)) {
                return new TransientStorageException(detail, e,
                        StorageErrors.isThrottlingStatus(status) || BlobErrorCode.SERVER_BUSY.equals(code));
            }
            return new PermanentStorageException(detail, e);
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null && StorageErrors.isTransientStatus(h.getResponse().getStatusCode())) {
            int status = h.getResponse().getStatusCode();
            return new TransientStorageException(what + ": HTTP " + status, e, StorageErrors.isThrottlingStatus(status));
        }
        if (StorageErrors.isIoFailure(e)) {
            return new TransientStorageException(what + ": " + e.getClass().getSimpleName() + " (connection failed or timed out)", e);
        }
        return new PermanentStorageException(what + ": " + e.getClass().getSimpleName(), e);
    }
}
