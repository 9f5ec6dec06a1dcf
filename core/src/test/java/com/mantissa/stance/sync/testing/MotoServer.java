package com.mantissa.stance.sync.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * moto's S3 server ({@code moto.server}, launched through a wrapper that makes PutObject
 * atomic, see {@link #LAUNCHER}), which enforces S3's conditional writes.
 * Publishes {@code aws.endpointUrlS3} (and {@code aws.endpointUrlSqs}: the same server speaks SQS), dummy credentials and {@code aws.region}; see
 * {@link Emulators}.
 */
public final class MotoServer implements EmulatorServer {

    public static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "testing";
    private static final String SECRET_KEY = "testing";
    static final String INSTALL_HINT = "The S3 tests need moto's server on python3: pip install 'moto[server]>=5.1,<6' "
            + "(tested with 5.2.1; check with: python3 -m moto.server --help).";

    /**
     * {@code python3 -m moto.server} with S3 PutObject made atomic. moto checks
     * {@code If-None-Match}/{@code If-Match} and then stores the object as two steps while its
     * server runs requests on threads, so two racing creators could both win, which real S3
     * never allows. No such double win was seen in 300 rounds of 8 racing writers, but a test of
     * lost updates must not depend on thread timing in the emulator; one lock around the whole
     * PutObject restores S3's guarantee.
     */
    private static final String LAUNCHER = String.join("\n",
            "import functools, sys, threading",
            "from moto import server",
            "from moto.s3.responses import S3Response",
            "if not callable(getattr(S3Response, 'put_object', None)):",
            "    sys.exit('moto.s3.responses.S3Response.put_object is missing: this moto version is not supported')",
            "_lock = threading.Lock()",
            "_put = S3Response.put_object",
            "@functools.wraps(_put)",
            "def put_object(self, *args, **kwargs):",
            "    with _lock:",
            "        return _put(self, *args, **kwargs)",
            "S3Response.put_object = put_object",
            "server.main(sys.argv[1:])");

    private final EmulatorProcess process;
    private volatile S3Client setupClient;

    private MotoServer(EmulatorProcess process) {
        this.process = process;
    }

    static MotoServer start() {
        EmulatorProcess process = EmulatorProcess.start("moto",
                port -> List.of("python3", "-c", LAUNCHER, "-H", "127.0.0.1", "-p", Integer.toString(port)),
                "/moto-api/", INSTALL_HINT);
        process.publish("aws.endpointUrlS3", process.baseUrl());
        process.publish("aws.endpointUrlSqs", process.baseUrl());
        process.publish("aws.endpointUrlSns", process.baseUrl());
        process.publish("aws.accessKeyId", ACCESS_KEY);
        process.publish("aws.secretAccessKey", SECRET_KEY);
        process.publish("aws.region", REGION);
        return new MotoServer(process);
    }

    /** {@code http://127.0.0.1:port}. */
    public String endpoint() {
        return process.baseUrl();
    }

    /** Creates {@code bucket} (fixture setup, not the code under test); an existing one is fine. */
    public void createBucket(String bucket) {
        try {
            setupClient().createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException alreadyThere) {
            // Test classes share the server, so a second class asking for the bucket is normal.
        }
    }

    /** A client on this server for fixtures, configured explicitly (independent of the published settings). */
    public S3Client setupClient() {
        S3Client c = setupClient;
        if (c == null) {
            synchronized (this) {
                c = setupClient;
                if (c == null) {
                    c = S3Client.builder()
                            .endpointOverride(URI.create(endpoint()))
                            .forcePathStyle(true)
                            .region(Region.of(REGION))
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                            .build();
                    setupClient = c;
                }
            }
        }
        return c;
    }

    @Override
    public String name() {
        return "moto";
    }

    @Override
    public Map<String, String> systemProperties() {
        return process.published();
    }

    @Override
    public Map<String, String> environment() {
        return Map.of(
                "AWS_ENDPOINT_URL_S3", endpoint(),
                "AWS_ENDPOINT_URL_SQS", endpoint(),
                "AWS_ENDPOINT_URL_SNS", endpoint(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", REGION);
    }

    @Override
    public void close() {
        S3Client c = setupClient;
        if (c != null) {
            c.close();
        }
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
