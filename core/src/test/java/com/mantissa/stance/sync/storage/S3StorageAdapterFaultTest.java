package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.FaultServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How S3's failures reach the engine: a server that throttles, fails, denies or drops
 * connections, seen through the real SDK (its retries off, so each case is one request).
 */
class S3StorageAdapterFaultTest {

    private static final String BUCKET = "fault-bucket";
    private static final String KEY = "aggregated/findings/ab12/123456789012/f-1.json";
    private static final String ACCESS_KEY_ID = "AKIAFAULTTESTKEY0001";
    private static final String SECRET = "fault-test-secret-never-in-messages";

    private static FaultServer server;
    private static S3Client client;
    private static StorageAdapter store;

    @BeforeAll
    static void start() {
        server = new FaultServer();
        client = clientFor(server.url());
        store = new S3StorageAdapter(BUCKET, client);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static S3Client clientFor(String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static void answer(int status, String code) {
        server.answer(status, Map.of("Content-Type", "application/xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>scripted "
                        + code + "</Message><RequestId>req-1</RequestId></Error>");
    }

    private static void assertEveryCallThrows(Class<? extends StorageException> expected) {
        Map<String, Executable> calls = Map.of(
                "read", () -> store.readRecord(KEY),
                "write", () -> store.writeRecord(KEY, new byte[] {'{', '}'}, WriteCondition.IF_ABSENT),
                "list", () -> store.listRecords("aggregated/"),
                "delete", () -> store.deleteRecord(KEY));
        calls.forEach((name, call) -> assertThrows(expected, call, name));
    }

    @Test
    void slowDownIsTransient() {
        answer(503, "SlowDown");
        assertEveryCallThrows(TransientStorageException.class);
    }

    @Test
    void tooManyRequestsIsTransient() {
        answer(429, "TooManyRequests");
        assertEveryCallThrows(TransientStorageException.class);
    }

    @Test
    void internalErrorIsTransient() {
        answer(500, "InternalError");
        assertEveryCallThrows(TransientStorageException.class);
    }

    @Test
    void droppedConnectionIsTransient() {
        server.dropConnections();
        assertEveryCallThrows(TransientStorageException.class);
    }

    @Test
    void refusedConnectionIsTransient() {
        FaultServer closed = new FaultServer();
        String url = closed.url();
        closed.close();
        try (S3Client refused = clientFor(url)) {
            StorageAdapter unreachable = new S3StorageAdapter(BUCKET, refused);
            assertThrows(TransientStorageException.class, () -> unreachable.readRecord(KEY));
        }
    }

    @Test
    void accessDeniedIsPermanentAndNamesBucketAndKeyButNoCredentials() {
        answer(403, "AccessDenied");

        PermanentStorageException e = assertThrows(PermanentStorageException.class, () -> store.readRecord(KEY));

        assertTrue(e.getMessage().contains("s3://" + BUCKET + "/" + KEY), e.getMessage());
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains(ACCESS_KEY_ID) || message.contains(SECRET) || message.contains("Signature="),
                    "credentials leak into: " + message);
        }
    }

    @Test
    void throttledReadIsNeverReportedAsAbsent() {
        answer(503, "SlowDown");
        assertThrows(TransientStorageException.class, () -> store.getMetadata(KEY));
    }

    @Test
    void preconditionFailedStatusIsAPreconditionFailure() {
        answer(412, "PreconditionFailed");
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord(KEY, new byte[] {1}, WriteCondition.ifMatch("\"etag\"")));
    }

    @Test
    void conditionalRequestConflictIsAPreconditionFailure() {
        answer(409, "ConditionalRequestConflict");
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord(KEY, new byte[] {1}, WriteCondition.IF_ABSENT));
    }

    @Test
    void missingBucketIsPermanentAndNamesTheBucket() {
        answer(404, "NoSuchBucket");

        PermanentStorageException e = assertThrows(PermanentStorageException.class, () -> store.readRecord(KEY));

        assertTrue(e.getMessage().contains("bucket '" + BUCKET + "' does not exist"), e.getMessage());
    }

    @Test
    void missingKeyIsAbsent() {
        answer(404, "NoSuchKey");
        assertEquals(java.util.Optional.empty(), store.readRecord(KEY));
    }
}
