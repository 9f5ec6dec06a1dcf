package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.mantissa.stance.sync.testing.FakeGcsJsonApiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How GCS failures reach the engine, and what the adapter puts on the wire. Runs on its own
 * {@link FakeGcsJsonApiServer} because it injects failures.
 */
class GCSStorageAdapterErrorTest {

    private FakeGcsJsonApiServer server;
    private final String bucket = "errors";

    @BeforeEach
    void start() throws IOException {
        server = FakeGcsJsonApiServer.start();
        server.createBucket(bucket);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A client that gives up after one attempt, so each injected failure reaches the adapter. */
    private static Storage singleAttemptClient(String host) {
        return StorageOptions.http()
                .setHost(host)
                .setProjectId("stance-sync-test")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(ServiceOptions.getNoRetrySettings())
                .build()
                .getService();
    }

    private GCSStorageAdapter singleAttemptAdapter() {
        return new GCSStorageAdapter(bucket, singleAttemptClient(server.endpoint()));
    }

    @Test
    void serverErrorsAndThrottlingAreTransient() {
        GCSStorageAdapter store = singleAttemptAdapter();
        for (int status : new int[] {429, 500, 503}) {
            server.failNextRequests(1, status);
            TransientStorageException e = assertThrows(TransientStorageException.class,
                    () -> store.readRecord("aggregated/a.json"), "status " + status);
            assertTrue(e.getMessage().contains("gs://errors/aggregated/a.json"), e.getMessage());
        }
    }

    @Test
    void deniedIsPermanentAndNamesBucketAndKeyNeverAnAbsentRecord() {
        GCSStorageAdapter store = singleAttemptAdapter();
        server.failNextRequests(1, 403);

        PermanentStorageException e = assertThrows(PermanentStorageException.class,
                () -> store.readRecord("aggregated/denied.json"));
        assertTrue(e.getMessage().contains("gs://errors/aggregated/denied.json"), e.getMessage());
    }

    @Test
    void aDroppedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        GCSStorageAdapter store = new GCSStorageAdapter(bucket,
                singleAttemptClient("http://127.0.0.1:" + closedPort));

        assertThrows(TransientStorageException.class,
                () -> store.writeRecord("aggregated/a.json", "{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDefaultClientRetriesAServerErrorOnARead() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket, environmentWithoutScheme());
        store.writeRecord("aggregated/r.json", "1".getBytes(StandardCharsets.UTF_8));
        server.failNextRequests(1, 503);

        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8),
                store.readRecord("aggregated/r.json").orElseThrow().content());
    }

    @Test
    void writesCarryTheGenerationPreconditionOnTheWire() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket, environmentWithoutScheme());

        String first = store.writeRecord("aggregated/w.json", "1".getBytes(StandardCharsets.UTF_8), WriteCondition.IF_ABSENT);
        store.writeRecord("aggregated/w.json", "2".getBytes(StandardCharsets.UTF_8), WriteCondition.ifMatch(first));
        store.writeRecord("aggregated/w.json", "3".getBytes(StandardCharsets.UTF_8));

        List<String> uploads = server.requests().stream().filter(r -> r.startsWith("POST /upload/")).toList();
        assertEquals(3, uploads.size(), uploads.toString());
        assertTrue(uploads.get(0).contains("ifGenerationMatch=0"), uploads.get(0));
        assertTrue(uploads.get(1).contains("ifGenerationMatch=" + first), uploads.get(1));
        assertTrue(!uploads.get(2).contains("ifGenerationMatch"), uploads.get(2));
        assertTrue(uploads.get(0).contains("uploadType=multipart"), uploads.get(0));
    }

    /** {@code STORAGE_EMULATOR_HOST} as a bare host:port, which the other Google clients accept too. */
    private Map<String, String> environmentWithoutScheme() {
        return Map.of(GCSStorageAdapter.EMULATOR_HOST_VARIABLE, server.endpoint().replace("http://", ""));
    }
}
