package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.mantissa.stance.sync.testing.FaultServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * How Azure's failures reach the engine: a server that throttles, fails, denies or drops
 * connections, seen through the real SDK (one try per call, so each case is one request).
 */
class AzureBlobStorageAdapterFaultTest {

    private static final String ACCOUNT = "faultaccount";
    private static final String CONTAINER = "fault-container";
    private static final String BLOB = "aggregated/findings/ab12/123456789012/f-1.json";
    /** A syntactically valid, made-up account key. */
    private static final String ACCOUNT_KEY = "ZmF1bHQtdGVzdC1rZXktbmV2ZXItaW4tbWVzc2FnZXM=";

    private static FaultServer server;
    private static StorageAdapter store;

    @BeforeAll
    static void start() {
        server = new FaultServer();
        store = new AzureBlobStorageAdapter(clientFor(server.url()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static BlobContainerClient clientFor(String url) {
        return new BlobContainerClientBuilder()
                .endpoint(url + "/" + ACCOUNT + "/" + CONTAINER)
                .credential(new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, Duration.ofSeconds(10),
                        Duration.ofMillis(1), Duration.ofMillis(1), null))
                .buildClient();
    }

    private static void answer(int status, String code) {
        server.answer(status, Map.of("Content-Type", "application/xml", "x-ms-error-code", code),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>scripted "
                        + code + "</Message></Error>");
    }

    private static void assertEveryCallThrows(Class<? extends StorageException> expected) {
        Map<String, Executable> calls = Map.of(
                "read", () -> store.readRecord(BLOB),
                "write", () -> store.writeRecord(BLOB, new byte[] {'{', '}'}, WriteCondition.IF_ABSENT),
                "list", () -> store.listRecords("aggregated/"),
                "delete", () -> store.deleteRecord(BLOB),
                "metadata", () -> store.getMetadata(BLOB));
        calls.forEach((name, call) -> assertThrows(expected, call, name));
    }

    @Test
    void serverBusyIsTransient() {
        answer(503, "ServerBusy");
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
        StorageAdapter unreachable = new AzureBlobStorageAdapter(clientFor(url));
        assertThrows(TransientStorageException.class, () -> unreachable.readRecord(BLOB));
    }

    @Test
    void authorizationFailureIsPermanentAndNamesContainerAndBlobButNoKey() {
        answer(403, "AuthorizationFailure");

        PermanentStorageException e = assertThrows(PermanentStorageException.class, () -> store.readRecord(BLOB));

        assertTrue(e.getMessage().contains("az://" + ACCOUNT + "/" + CONTAINER + "/" + BLOB), e.getMessage());
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains(ACCOUNT_KEY) || message.contains("SharedKey " + ACCOUNT + ":"),
                    "credentials leak into: " + message);
        }
    }

    @Test
    void conditionNotMetIsAPreconditionFailure() {
        answer(412, "ConditionNotMet");
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord(BLOB, new byte[] {1}, WriteCondition.ifMatch("\"0x1\"")));
    }

    @Test
    void blobAlreadyExistsIsAPreconditionFailure() {
        answer(409, "BlobAlreadyExists");
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord(BLOB, new byte[] {1}, WriteCondition.IF_ABSENT));
    }

    @Test
    void missingContainerIsPermanentAndNamesTheContainer() {
        answer(404, "ContainerNotFound");

        PermanentStorageException e = assertThrows(PermanentStorageException.class, () -> store.getMetadata(BLOB));

        assertTrue(e.getMessage().contains("container '" + CONTAINER + "' does not exist"), e.getMessage());
    }

    @Test
    void missingBlobIsAbsent() {
        answer(404, "BlobNotFound");
        assertEquals(Optional.empty(), store.readRecord(BLOB));
        assertEquals(Optional.empty(), store.getMetadata(BLOB));
    }
}
