package com.mantissa.stance.sync.storage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket in Amazon S3 (or any S3-compatible server) through the AWS SDK for Java v2.
 *
 * <p>Credentials, region and endpoint come from the SDK's standard chains, so an emulator is
 * reached exactly as production reaches S3: the SDK itself reads {@code AWS_ENDPOINT_URL_S3} /
 * {@code AWS_ENDPOINT_URL} (or the system properties {@code aws.endpointUrlS3} /
 * {@code aws.endpointUrl}, or {@code endpoint_url} in the shared config file). When such an
 * override is in effect this adapter switches to path-style addressing, because emulators and
 * most S3-compatible servers do not serve virtual-host bucket names on {@code 127.0.0.1}.
 *
 * <p>Key limit: 1,024 UTF-8 bytes; a longer key is an {@link InvalidKeyException} (that
 * record's problem), raised before any request.
 */
public final class S3StorageAdapter implements StorageAdapter, StreamingUpload {

    /** S3 returns at most 1,000 keys a page whatever is asked, so ask for exactly that. */
    private static final int LIST_PAGE_SIZE = 1000;

    private final String bucket;
    private final S3Client explicitClient;

    /** A bucket reached with the process-wide client built from the SDK's default chains. */
    public S3StorageAdapter(String bucket) {
        this(bucket, null);
    }

    /** A bucket reached with a caller-owned client (which this adapter never closes). */
    public S3StorageAdapter(String bucket, S3Client client) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket name must not be blank");
        }
        this.bucket = bucket;
        this.explicitClient = client;
    }

    private S3Client client() {
        return explicitClient != null ? explicitClient : defaultClient();
    }

    /**
     * Builds the process-wide default client now unless it is built: a function whose
     * initialisation no caller waits for (a snapshot, provisioned concurrency) builds it there.
     * A build that fails leaves nothing behind; the first call builds again and reports the
     * error as its own storage error, as it does without this.
     */
    static void prepareDefaultClient() {
        try {
            defaultClient();
            // The request models a push sends initialise their fields (about 100 classes each)
            // on first use; building one of each sends nothing.
            PutObjectRequest.builder().bucket("prepare").key("prepare").ifNoneMatch("*").build();
            GetObjectRequest.builder().bucket("prepare").key("prepare").build();
        } catch (RuntimeException leftForTheFirstCall) {
            // See above: the first call that needs the client reports why it cannot be built.
        }
    }

    private static S3Client defaultClient() {
        S3Client c = shared;
        if (c == null) {
            synchronized (S3StorageAdapter.class) {
                c = shared;
                if (c == null) {
                    // Built here, not in a static initialiser, so that a bad setting is a
                    // storage error of the first call rather than an ExceptionInInitializerError.
                    c = SharedClient.build();
                    shared = c;
                }
            }
        }
        return c;
    }

    private static volatile S3Client shared;

    /**
     * The one default client of the process, built on first use: a handler invocation that
     * never touches S3 pays nothing, and every adapter shares the connection pool.
     */
    private static final class SharedClient {
        /**
         * HttpURLConnection keeps at most {@code http.maxConnections} idle connections per host,
         * 5 unless set; the engine writes from 16 threads, so most connections would be closed
         * after one use and reopened (with a TLS handshake on S3): 145-224 connections for 4,000
         * PUTs from 16 threads, against 16 with a larger cache. The JDK reads it once, on first
         * use, so it is raised here, before this client's first request, unless the user set it.
         */
        private static final String KEEP_ALIVE_CACHE_PROPERTY = "http.maxConnections";

        private static S3Client build() {
            if (System.getProperty(KEEP_ALIVE_CACHE_PROPERTY) == null) {
                System.setProperty(KEEP_ALIVE_CACHE_PROPERTY, "64");
            }
            return configure(S3Client.builder(), StorageTimeouts.fromSettings())
                    .region(defaultRegion())
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .endpointProvider(endpointRules())
                    .build();
        }

        /**
         * S3's endpoint rules, with path style forced where an endpoint is configured: the SDK
         * hands the rules the endpoint only then (AWS_ENDPOINT_URL_S3 and friends).
         */
        private static S3EndpointProvider endpointRules() {
            S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
            return params -> rules.resolveEndpoint(
                    params.endpoint() == null ? params : params.toBuilder().forcePathStyle(true).build());
        }

        /** The configured region, else us-east-1 (where a region-less local run means S3's default). */
        private static Region defaultRegion() {
            try {
                return new DefaultAwsRegionProviderChain().getRegion();
            } catch (SdkClientException noRegionConfigured) {
                return Region.US_EAST_1;
            }
        }
    }

    /**
     * What every client this adapter builds has, and what a caller-built client passed to
     * {@link #S3StorageAdapter(String, S3Client)} should have: one attempt per call (the
     * engine's retry decides about repeating, see {@link StorageTimeouts}), bounded by
     * {@code timeouts}.
     *
     * <p>The JDK's HttpURLConnection client: no extra jars and no native code, so it has the
     * shortest cold start of a function; each record is one small request, where Apache's or
     * CRT's extra throughput features do not pay for their start-up. Its trust store loads at the
     * first TLS handshake ({@link LazyTrustManager}), not when the client is built.
     */
    public static S3ClientBuilder configure(S3ClientBuilder builder, StorageTimeouts timeouts) {
        return withoutRetries(builder, timeouts)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeouts.connect())
                        .socketTimeout(timeouts.attempt())
                        .tlsTrustManagersProvider(() -> new TrustManager[] {new LazyTrustManager()}));
    }

    private static S3ClientBuilder withoutRetries(S3ClientBuilder builder, StorageTimeouts timeouts) {
        return builder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallAttemptTimeout(timeouts.attempt())
                .apiCallTimeout(timeouts.attempt()));
    }

    /**
     * A bucket whose requests {@code transport} answers inside the process: the process-wide
     * client's region, endpoint rules and options over fixed credentials, so a push through it
     * runs the SDK code a push to S3 runs, while no request leaves the process and the SDK looks
     * up no credentials. What a function's initialisation primes a snapshot with.
     */
    public static S3StorageAdapter inProcess(String bucket, InProcessS3Transport transport) {
        S3Client processClient = shared;
        S3Client client = withoutRetries(S3Client.builder(), StorageTimeouts.fromSettings())
                .httpClient(transport)
                .region(processClient == null ? Region.US_EAST_1 : processClient.serviceClientConfiguration().region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("in-process", "in-process")))
                .endpointProvider(SharedClient.endpointRules())
                .build();
        transport.closeWith(client);
        return new S3StorageAdapter(bucket, client);
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        Objects.requireNonNull(content, "content");
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(bucket)
                .key(path)
                .contentType("application/json");
        switch (condition.kind()) {
            case IF_ABSENT -> put.ifNoneMatch("*");
            case IF_MATCH -> put.ifMatch(condition.versionToken());
            case NONE -> { }
        }
        try {
            return call("write (" + condition + ")", path,
                    () -> client().putObject(put.build(), RequestBody.fromBytes(content)).eTag());
        } catch (NotFoundException gone) {
            // If-Match on an object that is gone is a lost race like any other: re-read, re-resolve.
            throw new PreconditionFailedException("write " + describe(path) + " " + condition
                    + ": the object no longer exists", gone.getCause());
        }
    }

    /** One PUT streamed from the file (up to S3's 5 GB single-object limit). */
    @Override
    public String uploadFile(String path, java.nio.file.Path file) {
        return call("write", path, () -> client().putObject(b -> b.bucket(bucket).key(path),
                RequestBody.fromFile(file)).eTag());
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        return StorageErrors.absentWhenNotFound(() -> call("read", path, () -> {
            ResponseBytes<GetObjectResponse> bytes = client().getObjectAsBytes(b -> b.bucket(bucket).key(path));
            // The unsafe view: the response is ours alone, and a copy of a large push index costs its size again.
            return new StoredObject(bytes.asByteArrayUnsafe(), bytes.response().eTag());
        }));
    }

    /** Streams the object from S3 rather than buffering it: scan files can exceed the heap. */
    @Override
    public InputStream openStream(String path) {
        return call("open", path, () -> client().getObject(b -> b.bucket(bucket).key(path)));
    }

    @Override
    public List<String> listRecords(String prefix) {
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix == null ? "" : prefix)
                .maxKeys(LIST_PAGE_SIZE)
                .build();
        List<String> keys = call("list", prefix + "*", () -> {
            List<String> found = new ArrayList<>();
            for (S3Object object : client().listObjectsV2Paginator(request).contents()) {
                found.add(object.key());
            }
            return found;
        });
        Collections.sort(keys);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        // S3 answers 204 for an absent key too, so deleting twice is not an error.
        StorageErrors.absentWhenNotFound(() -> call("delete", path, () -> client().deleteObject(b -> b.bucket(bucket).key(path))));
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        Optional<ObjectMetadata> metadata = StorageErrors.absentWhenNotFound(() -> call("get metadata of", path, () -> {
            HeadObjectResponse head = client().headObject(b -> b.bucket(bucket).key(path));
            return new ObjectMetadata(head.contentLength(), head.lastModified(), head.eTag(), null);
        }));
        if (metadata.isEmpty()) {
            // A HEAD response has no body, so a missing key and a missing bucket look the same;
            // one more call tells them apart, and only on this (rare) path.
            try {
                call("get metadata of", path, () -> client().headBucket(b -> b.bucket(bucket)));
            } catch (NotFoundException noBucket) {
                throw new PermanentStorageException("get metadata of " + describe(path) + ": bucket '" + bucket
                        + "' does not exist (NoSuchBucket)", noBucket.getCause());
            }
        }
        return metadata;
    }

    /**
     * The one translation template of this adapter: checks the key against S3's limit, makes
     * the SDK call and maps any failure onto the core's error types. Messages name the
     * operation, bucket and key, the status and S3's error code; never credentials, headers or
     * signed URLs. A 404 about the key is a {@link NotFoundException}, which the operations that
     * answer "absent" turn into an empty result.
     */
    private <T> T call(String operation, String key, StorageErrors.SdkCall<T> call) {
        StorageErrors.requireCloudKey(key, location());
        try {
            return call.call();
        } catch (SdkException e) {
            throw translate(operation + " " + describe(key), e);
        }
    }

    @Override
    public String location() {
        return "s3://" + bucket;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private String describe(String path) {
        return "s3://" + bucket + "/" + path;
    }

    private StorageException translate(String what, SdkException e) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = errorCode(s3);
            String detail = what + ": HTTP " + status + (code == null ? "" : " " + code);
            if (status == 412 || "ConditionalRequestConflict".equals(code)) {
                return new PreconditionFailedException(detail, e);
            }
            if ("NoSuchBucket".equals(code)) {
                return new PermanentStorageException(what + ": bucket '" + bucket + "' does not exist (NoSuchBucket)", e);
            }
            if (status == 404) {
                return new NotFoundException(detail, e);
            }
            if (StorageErrors.isTransientStatus(status) || "SlowDown".equals(code) || "RequestTimeout".equals(code)
                    || "InternalError".equals(code) || "OperationAborted".equals(code)) {
                return new TransientStorageException(detail, e,
                        StorageErrors.isThrottlingStatus(status) || "SlowDown".equals(code));
            }
            return new PermanentStorageException(detail, e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || StorageErrors.isIoFailure(e)) {
            return new TransientStorageException(what + ": " + e.getClass().getSimpleName() + " (connection failed or timed out)", e);
        }
        return new PermanentStorageException(what + ": " + e.getClass().getSimpleName(), e);
    }
}
