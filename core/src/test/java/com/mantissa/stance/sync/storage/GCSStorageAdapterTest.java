package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What is particular to GCS beyond the shared contract: how failures are classified, what goes
 * on the wire, generations as tokens, and how {@code STORAGE_EMULATOR_HOST} is read.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GCSStorageAdapterTest {

    private final GcsServer gcs;
    private final String bucket = "gcs-" + UUID.randomUUID();

    GCSStorageAdapterTest(GcsServer gcs) {
        this.gcs = gcs;
    }

    @BeforeEach
    void createBucket() {
        gcs.createBucket(bucket);
    }

    @AfterEach
    void noFailureLeftOver() {
        gcs.fake().failNextRequests(0, 0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    @Test
    void throttlingAndServerErrorsAreTransientAndNameTheObject() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket, singleAttemptClient(gcs.endpoint()));
        for (int status : new int[] {429, 500, 503}) {
            gcs.fake().failNextRequests(1, status);
            TransientStorageException e = assertThrows(TransientStorageException.class,
                    () -> store.readRecord("aggregated/a.json"), "status " + status);
            assertTrue(e.getMessage().contains("gs://" + bucket + "/aggregated/a.json"), e.getMessage());
        }
    }

    @Test
    void deniedIsPermanentAndNamesBucketAndKeyNeverAnAbsentRecord() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket, singleAttemptClient(gcs.endpoint()));
        gcs.fake().failNextRequests(1, 403);

        PermanentStorageException e = assertThrows(PermanentStorageException.class,
                () -> store.readRecord("aggregated/denied.json"));
        assertTrue(e.getMessage().contains("gs://" + bucket + "/aggregated/denied.json"), e.getMessage());
    }

    @Test
    void aRefusedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        GCSStorageAdapter store = new GCSStorageAdapter(bucket, singleAttemptClient("http://127.0.0.1:" + closedPort));

        assertThrows(TransientStorageException.class, () -> store.writeRecord("aggregated/a.json", utf8("{}")));
    }

    @Test
    void theDefaultClientMakesOneAttemptSoTheEngineAloneDecidesAboutRetrying() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        store.writeRecord("aggregated/r.json", utf8("1"));
        gcs.fake().failNextRequests(1, 503);

        assertThrows(TransientStorageException.class, () -> store.readRecord("aggregated/r.json"));
        assertArrayEquals(utf8("1"), store.readRecord("aggregated/r.json").orElseThrow().content());
    }

    @Test
    void writesPutTheGenerationPreconditionOnTheWire() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);

        String first = store.writeRecord("aggregated/w.json", utf8("1"), WriteCondition.IF_ABSENT);
        store.writeRecord("aggregated/w.json", utf8("2"), WriteCondition.ifMatch(first));
        store.writeRecord("aggregated/w.json", utf8("3"));

        List<String> uploads = gcs.fake().requests().stream()
                .filter(r -> r.startsWith("POST /upload/storage/v1/b/" + bucket + "/o?"))
                .toList();
        assertEquals(3, uploads.size(), uploads.toString());
        assertTrue(uploads.get(0).contains("ifGenerationMatch=0"), uploads.get(0));
        assertTrue(uploads.get(1).contains("ifGenerationMatch=" + first), uploads.get(1));
        assertFalse(uploads.get(2).contains("ifGenerationMatch"), uploads.get(2));
    }

    @Test
    void theTokenIsTheGenerationReportedByMetadata() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        String token = store.writeRecord("aggregated/m.json", utf8("12345"));

        ObjectMetadata metadata = store.getMetadata("aggregated/m.json").orElseThrow();

        assertEquals(Long.parseLong(token), metadata.generation());
        assertEquals(token, metadata.toMap().get("generation").toString());
    }

    @Test
    void aTokenFromAnotherStoreIsAPreconditionFailure() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        store.writeRecord("aggregated/t.json", utf8("1"));

        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("aggregated/t.json", utf8("2"),
                WriteCondition.ifMatch("\"9b2cf535f27731c974343645a3985328\"")));
        assertArrayEquals(utf8("1"), store.readRecord("aggregated/t.json").orElseThrow().content());
    }

    @Test
    void listPrefixesWithPlusAndSpaceMatchLiterally() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        store.writeRecord("aggregated/a+b.json", utf8("{}"));
        store.writeRecord("aggregated/a b.json", utf8("{}"));

        assertEquals(List.of("aggregated/a+b.json"), store.listRecords("aggregated/a+"));
        assertEquals(List.of("aggregated/a b.json"), store.listRecords("aggregated/a "));
    }

    @Test
    void aReplaceBetweenMetadataAndDownloadIsReadAgainSoBytesAndTokenMatch() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        GCSStorageAdapter other = new GCSStorageAdapter(bucket);
        store.writeRecord("aggregated/moving.json", utf8("old"));
        String[] newer = new String[1];
        gcs.fake().beforeNextMediaRead(() -> newer[0] = other.writeRecord("aggregated/moving.json", utf8("new")));

        StoredObject read = store.readRecord("aggregated/moving.json").orElseThrow();

        assertArrayEquals(utf8("new"), read.content());
        assertEquals(newer[0], read.versionToken());
    }

    @Test
    void aDeleteBetweenMetadataAndDownloadReadsAsAbsent() {
        GCSStorageAdapter store = new GCSStorageAdapter(bucket);
        GCSStorageAdapter other = new GCSStorageAdapter(bucket);
        store.writeRecord("aggregated/vanishing.json", utf8("old"));
        gcs.fake().beforeNextMediaRead(() -> other.deleteRecord("aggregated/vanishing.json"));

        assertEquals(java.util.Optional.empty(), store.readRecord("aggregated/vanishing.json"));
    }

    @Test
    void aBucketCreatedThroughTheClientIsUsable() {
        String created = "created-" + UUID.randomUUID();
        Storage client = singleAttemptClient(gcs.endpoint());
        client.create(BucketInfo.of(created));

        GCSStorageAdapter store = new GCSStorageAdapter(created);
        store.writeRecord("aggregated/c.json", utf8("1"), WriteCondition.IF_ABSENT);
        assertEquals(List.of("aggregated/c.json"), store.listRecords("aggregated/"));
        assertThrows(com.google.cloud.storage.StorageException.class, () -> client.create(BucketInfo.of(created)));
    }

    @Test
    void emulatorHostWithoutSchemeIsAccepted() {
        String previous = System.getProperty(GcsServer.EMULATOR_HOST);
        System.setProperty(GcsServer.EMULATOR_HOST, gcs.endpoint().replace("http://", ""));
        try {
            GCSStorageAdapter store = new GCSStorageAdapter(bucket);
            store.writeRecord("aggregated/h.json", utf8("1"), WriteCondition.IF_ABSENT);

            assertArrayEquals(utf8("1"), store.readRecord("aggregated/h.json").orElseThrow().content());
        } finally {
            System.setProperty(GcsServer.EMULATOR_HOST, previous);
        }
    }
}
