package com.mantissa.stance.sync.storage;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
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
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
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
        return explicitClient != null ? explicitClient : SharedClient.INSTANCE;
    }

    /**
     * The one default client of the process, built on first use: a handler invocation that
     * never touches S3 pays nothing, and every adapter shares the connection pool.
     */
    private static final class SharedClient {
        static final S3Client INSTANCE = build();

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
            S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
            return S3Client.builder()
                    .region(defaultRegion())
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    // The JDK's HttpURLConnection client: no extra jars and no native code, so it
                    // has the shortest cold start (SPEC §6 budgets 1.5 s for a whole cold
                    // invocation); each record is one small request, where Apache's or CRT's
                    // extra throughput features do not pay for their start-up.
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(5))
                            .socketTimeout(Duration.ofSeconds(30)))
                    // The SDK hands the rules the endpoint only when one is configured
                    // (AWS_ENDPOINT_URL_S3 and friends); only then is path style forced.
                    .endpointProvider(params -> rules.resolveEndpoint(
                            params.endpoint() == null ? params : params.toBuilder().forcePathStyle(true).build()))
                    .build();
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
            PutObjectResponse response = client().putObject(put.build(), RequestBody.fromBytes(content));
            return response.eTag();
        } catch (S3Exception e) {
            // If-Match on an object that is gone is a lost race like any other: re-read, re-resolve.
            if (condition.kind() == WriteCondition.Kind.IF_MATCH && isNoSuchKey(e)) {
                throw new PreconditionFailedException(
                        "write " + describe(path) + " " + condition + ": the object no longer exists", e);
            }
            throw translate("write", path, condition, e);
        } catch (SdkException e) {
            throw translate("write", path, condition, e);
        }
    }

    /** One PUT streamed from the file (up to S3's 5 GB single-object limit). */
    @Override
    public String uploadFile(String path, java.nio.file.Path file) {
        try {
            return client().putObject(b -> b.bucket(bucket).key(path), RequestBody.fromFile(file)).eTag();
        } catch (SdkException e) {
            throw translate("write", path, WriteCondition.NONE, e);
        }
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        try {
            ResponseBytes<GetObjectResponse> bytes = client().getObjectAsBytes(b -> b.bucket(bucket).key(path));
            return Optional.of(new StoredObject(bytes.asByteArray(), bytes.response().eTag()));
        } catch (S3Exception e) {
            if (isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw translate("read", path, null, e);
        } catch (SdkException e) {
            throw translate("read", path, null, e);
        }
    }

    /** Streams the object from S3 rather than buffering it: scan files can exceed the heap. */
    @Override
    public InputStream openStream(String path) {
        try {
            return client().getObject(b -> b.bucket(bucket).key(path));
        } catch (S3Exception e) {
            if (isNoSuchKey(e)) {
                throw new NotFoundException(describe(path) + " does not exist", e);
            }
            throw translate("open", path, null, e);
        } catch (SdkException e) {
            throw translate("open", path, null, e);
        }
    }

    @Override
    public List<String> listRecords(String prefix) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix == null ? "" : prefix)
                .maxKeys(LIST_PAGE_SIZE)
                .build();
        try {
            for (S3Object object : client().listObjectsV2Paginator(request).contents()) {
                keys.add(object.key());
            }
        } catch (SdkException e) {
            throw translate("list", prefix + "*", null, e);
        }
        Collections.sort(keys);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        try {
            // S3 answers 204 for an absent key too, so deleting twice is not an error.
            client().deleteObject(b -> b.bucket(bucket).key(path));
        } catch (S3Exception e) {
            if (isNoSuchKey(e)) {
                return;
            }
            throw translate("delete", path, null, e);
        } catch (SdkException e) {
            throw translate("delete", path, null, e);
        }
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        try {
            HeadObjectResponse head = client().headObject(b -> b.bucket(bucket).key(path));
            return Optional.of(new ObjectMetadata(head.contentLength(), head.lastModified(), head.eTag(), null));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                // A HEAD response has no body, so a missing key and a missing bucket look the
                // same; one more call tells them apart, and only on this (rare) path.
                confirmBucketExists(path);
                return Optional.empty();
            }
            throw translate("get metadata of", path, null, e);
        } catch (SdkException e) {
            throw translate("get metadata of", path, null, e);
        }
    }

    private void confirmBucketExists(String path) {
        try {
            client().headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new PermanentStorageException("get metadata of " + describe(path)
                        + ": bucket '" + bucket + "' does not exist (NoSuchBucket)", e);
            }
            throw translate("get metadata of", path, null, e);
        } catch (SdkException e) {
            throw translate("get metadata of", path, null, e);
        }
    }

    @Override
    public String location() {
        return "s3://" + bucket;
    }

    /** A 404 about the key itself; NoSuchBucket is a configuration error, never "absent". */
    private static boolean isNoSuchKey(S3Exception e) {
        if (e.statusCode() != 404) {
            return false;
        }
        String code = errorCode(e);
        return code == null || "NoSuchKey".equals(code);
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private String describe(String path) {
        return "s3://" + bucket + "/" + path;
    }

    /**
     * Maps an SDK failure onto the core's error types. Messages name the operation, bucket and
     * key, the status and S3's error code; never credentials, headers or signed URLs.
     */
    private StorageException translate(String operation, String path, WriteCondition condition, SdkException e) {
        String what = operation + " " + describe(path) + (condition == null ? "" : " (" + condition + ")");
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
            if (StorageErrors.isTransientStatus(status) || "SlowDown".equals(code) || "RequestTimeout".equals(code)
                    || "InternalError".equals(code) || "OperationAborted".equals(code)) {
                return new TransientStorageException(detail, e);
            }
            return new PermanentStorageException(detail, e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || StorageErrors.isIoFailure(e)) {
            return new TransientStorageException(what + ": " + e.getClass().getSimpleName() + " (connection failed or timed out)", e);
        }
        return new PermanentStorageException(what + ": " + e.getClass().getSimpleName(), e);
    }
}
