package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FaultInjectingProxy.Fault;
import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regressions: with the storage SDK's default retry policy (4 tries, 4 s / 8 s / 16 s apart) one
 * call to an unreachable endpoint took ~50 s, so a push to a dead store effectively hung; and a
 * read answered 503 ServerBusy failed permanently instead of being retried.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureBlobStorageAdapterFailFastTest {
    /** Azurite's published development key: a real-format key, but no secret. */
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    @Test
    void aRefusedConnectionFailsTransientlyWithinSeconds() {
        String endpoint = "http://127.0.0.1:" + deadPort();

        TransientStorageException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThrows(TransientStorageException.class,
                        () -> withConnectionString(endpoint, () -> adapter().readRecord("a/b.json"))));

        assertEquals("read az://devstoreaccount1/central/a/b.json: ReactiveException (connection failed or timed out)",
                e.getMessage());
    }

    @Test
    void aServerBusyIsTriedOnceThenReportedTransientForTheEngineToRetry() {
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start("http://127.0.0.1:" + deadPort(),
                (n, method, target) -> Fault.SLOW_DOWN_503)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(TransientStorageException.class,
                    () -> withConnectionString(proxy.endpoint(), () -> adapter().readRecord("a/b.json"))));

            assertEquals(1, proxy.exchanges().size(), "the SDK does not retry: the engine's retry decides");
            assertThrows(TransientStorageException.class,
                    () -> withConnectionString(proxy.endpoint(), () -> adapter().listRecords("a/")));
            assertThrows(TransientStorageException.class, () -> withConnectionString(proxy.endpoint(),
                    () -> adapter().writeRecord("a/b.json", new byte[] {'1'}, WriteCondition.IF_ABSENT)));
            assertEquals(3, proxy.exchanges().size(), "one request per call");
        }
    }

    @Test
    void aThrottledReadIsTransientOnceAndTheRepeatedCallSucceeds(AzuriteServer azurite) {
        azurite.createContainer("central");
        azurite.setupClient().getBlobContainerClient("central").getBlobClient("throttled/one.json")
                .upload(BinaryData.fromString("{\"a\": 1}"), true);
        // Every other request is answered 503 ServerBusy: each first call fails, its repetition passes.
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(azurite.blobEndpoint().replace("/" + AzuriteServer.ACCOUNT, ""),
                (n, method, target) -> n % 2 == 1 ? Fault.SLOW_DOWN_503 : Fault.NONE)) {
            assertThrows(TransientStorageException.class, () -> withConnectionString(proxy.endpoint(),
                    () -> adapter().readRecord("throttled/one.json")));
            Optional<StoredObject> read = withConnectionString(proxy.endpoint(),
                    () -> adapter().readRecord("throttled/one.json"));
            assertThrows(TransientStorageException.class, () -> withConnectionString(proxy.endpoint(),
                    () -> adapter().readRecord("throttled/missing.json")));
            Optional<StoredObject> missing = withConnectionString(proxy.endpoint(),
                    () -> adapter().readRecord("throttled/missing.json"));

            assertEquals("{\"a\": 1}", new String(read.orElseThrow().content(), StandardCharsets.UTF_8));
            assertTrue(missing.isEmpty(), "a 404 after a 503 is still absent");
            assertEquals(4, proxy.exchanges().size());
        }
    }

    private static AzureBlobStorageAdapter adapter() {
        return new AzureBlobStorageAdapter("devstoreaccount1", "central");
    }

    /**
     * Runs {@code call} while {@code AZURE_STORAGE_CONNECTION_STRING} names {@code endpoint}; the
     * adapter reads the setting on its first call, and the shared emulator's value comes back after.
     */
    static <T> T withConnectionString(String endpoint, Supplier<T> call) {
        String setting = AzureBlobStorageAdapter.CONNECTION_STRING_SETTING;
        String previous = System.getProperty(setting);
        System.setProperty(setting, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
                + ";BlobEndpoint=" + endpoint + "/devstoreaccount1;");
        try {
            return call.get();
        } finally {
            if (previous == null) {
                System.clearProperty(setting);
            } else {
                System.setProperty(setting, previous);
            }
        }
    }

    /** A loopback port nothing listens on (just released by the OS). */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
