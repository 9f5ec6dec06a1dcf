package com.mantissa.stance.sync.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The benchmark's moto server: one Python process on loopback that every S3 row shares. */
final class MotoProcess {
    private final Process moto;
    private final String endpoint;

    private MotoProcess(Process moto, String endpoint) {
        this.moto = moto;
        this.endpoint = endpoint;
    }

    String endpoint() {
        return endpoint;
    }

    /** Starts moto on a free loopback port and waits until it answers; its log goes to {@code work/moto.log}. */
    static MotoProcess start(Path work) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Process moto = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(work.resolve("moto.log").toFile()).start();
        MotoProcess started = new MotoProcess(moto, endpoint);
        Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!moto.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("moto did not start (pip install 'moto[server]>=5.1,<6'); see "
                        + work.resolve("moto.log"));
            }
            Thread.sleep(200);
        }
        System.err.printf(Locale.ROOT, "[bench] moto on %s%n", endpoint);
        return started;
    }

    void stop() {
        if (moto != null && moto.isAlive()) {
            moto.destroy();
        }
    }

    void createBuckets(String... names) {
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build()) {
            for (String name : names) {
                s3.createBucket(b -> b.bucket(name));
            }
        }
    }
}
