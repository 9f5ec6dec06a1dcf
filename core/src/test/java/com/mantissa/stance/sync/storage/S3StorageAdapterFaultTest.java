package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mantissa.stance.sync.testing.FaultServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The fault contract through the AWS SDK, with S3's XML error bodies. */
@org.junit.jupiter.api.Tag("slow")
class S3StorageAdapterFaultTest extends StorageAdapterFaultContractTest {

    private static final String BUCKET = "fault-bucket";
    private static final String ACCESS_KEY_ID = "AKIAFAULTTESTKEY0001";
    private static final String SECRET = "fault-test-secret-never-in-messages";

    @Override
    protected StorageAdapter storeAt(String url, StorageTimeouts timeouts) {
        return new S3StorageAdapter(BUCKET, S3StorageAdapter.configure(S3Client.builder(), timeouts)
                .endpointOverride(URI.create(url))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET)))
                .build());
    }

    @Override
    protected void answer(FaultServer server, int status, String code) {
        server.answer(status, Map.of("Content-Type", "application/xml"), error(code));
    }

    private static String error(String code) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>scripted "
                + code + "</Message><RequestId>req-1</RequestId></Error>";
    }

    @Override
    protected void answerObjectMissing(FaultServer server) {
        // The bucket answers (HEAD bucket, list); the key does not exist.
        server.answer(200, Map.of("Content-Type", "application/xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" + BUCKET
                        + "</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
        server.answerPathsEndingWith(KEY, 404, Map.of("Content-Type", "application/xml"), error("NoSuchKey"));
    }

    @Override
    protected List<String> transientCodes() {
        return List.of("SlowDown", "TooManyRequests", "InternalError");
    }

    @Override
    protected String deniedCode() {
        return "AccessDenied";
    }

    @Override
    protected String missingContainerCode() {
        return "NoSuchBucket";
    }

    @Override
    protected String containerName() {
        return BUCKET;
    }

    @Override
    protected String someToken() {
        return "\"etag\"";
    }

    @Override
    protected List<String> secrets() {
        return List.of(ACCESS_KEY_ID, SECRET, "Signature=");
    }

    @Test
    void conditionalRequestConflictIsAPreconditionFailure() {
        FaultServer server = new FaultServer();
        try {
            answer(server, 409, "ConditionalRequestConflict");
            assertThrows(PreconditionFailedException.class,
                    () -> storeAt(server.url()).writeRecord(KEY, new byte[] {1}, WriteCondition.IF_ABSENT));
        } finally {
            server.close();
        }
    }
}
