package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.mantissa.stance.sync.testing.FaultServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault contract through azure-storage-blob, with Azure's error header and XML bodies. */
@org.junit.jupiter.api.Tag("slow")
class AzureBlobStorageAdapterFaultTest extends StorageAdapterFaultContractTest {

    private static final String ACCOUNT = "faultaccount";
    private static final String CONTAINER = "fault-container";
    /** A syntactically valid, made-up account key. */
    private static final String ACCOUNT_KEY = "ZmF1bHQtdGVzdC1rZXktbmV2ZXItaW4tbWVzc2FnZXM=";

    @Override
    protected StorageAdapter storeAt(String url, StorageTimeouts timeouts) {
        return new AzureBlobStorageAdapter(new BlobContainerClientBuilder()
                .endpoint(url + "/" + ACCOUNT + "/" + CONTAINER)
                .credential(new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY))
                .httpClient(AzureBlobStorageAdapter.httpClient(timeouts))
                .retryOptions(AzureBlobStorageAdapter.retryOptions(timeouts))
                .buildClient());
    }

    @Override
    protected void answer(FaultServer server, int status, String code) {
        server.answer(status, Map.of("Content-Type", "application/xml", "x-ms-error-code", code),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>scripted "
                        + code + "</Message></Error>");
    }

    @Override
    protected void answerObjectMissing(FaultServer server) {
        // The error header names the blob, not the container, even on a HEAD.
        answer(server, 404, "BlobNotFound");
    }

    @Override
    protected List<String> transientCodes() {
        return List.of("ServerBusy", "TooManyRequests", "InternalError");
    }

    @Override
    protected String deniedCode() {
        return "AuthorizationFailure";
    }

    @Override
    protected String missingContainerCode() {
        return "ContainerNotFound";
    }

    @Override
    protected String containerName() {
        return CONTAINER;
    }

    @Override
    protected String someToken() {
        return "\"0x1\"";
    }

    @Override
    protected List<String> secrets() {
        return List.of(ACCOUNT_KEY, "SharedKey " + ACCOUNT + ":");
    }

    @Test
    void blobAlreadyExistsIsAPreconditionFailure() {
        FaultServer server = new FaultServer();
        try {
            answer(server, 409, "BlobAlreadyExists");
            assertThrows(PreconditionFailedException.class,
                    () -> storeAt(server.url()).writeRecord(KEY, new byte[] {1}, WriteCondition.IF_ABSENT));
        } finally {
            server.close();
        }
    }
}
