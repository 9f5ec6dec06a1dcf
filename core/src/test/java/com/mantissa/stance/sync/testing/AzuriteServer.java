package com.mantissa.stance.sync.testing;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Azurite's blob service, installed by the build from {@code emulators/package.json} (found by
 * walking up from the working directory). Publishes {@code AZURE_STORAGE_CONNECTION_STRING};
 * see {@link Emulators}.
 */
public final class AzuriteServer implements EmulatorServer {

    /** Azurite's fixed development account; its key is public and documented by Microsoft. */
    public static final String ACCOUNT = "devstoreaccount1";
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    static final String CONNECTION_STRING_SETTING = "AZURE_STORAGE_CONNECTION_STRING";
    /** Blob and queue service in one process (the table service starts too, on a port of its own). */
    private static final String EXECUTABLE = "emulators/node_modules/.bin/azurite";
    static final String INSTALL_HINT = "The Azure tests need Azurite: install Node.js (>= 18) and run "
            + "'npm ci --prefix emulators' in the repository root (the Maven build does this when "
            + EXECUTABLE + " is missing).";

    private final EmulatorProcess process;
    private final int queuePort;
    private volatile BlobServiceClient setupClient;

    private AzuriteServer(EmulatorProcess process, int queuePort) {
        this.process = process;
        this.queuePort = queuePort;
    }

    static AzuriteServer start() {
        Path executable = EmulatorProcess.findUpwards(EXECUTABLE).orElseThrow(() -> new ExtensionConfigurationException(
                "No " + EXECUTABLE + " in " + Path.of("").toAbsolutePath() + " or its parents. " + INSTALL_HINT));
        // --skipApiVersionCheck: the SDK speaks a newer service version than Azurite knows.
        int[] queuePort = new int[1];
        EmulatorProcess process = EmulatorProcess.start("azurite",
                port -> {
                    queuePort[0] = EmulatorProcess.freePort();
                    return List.of(executable.toString(), "--inMemoryPersistence", "--disableTelemetry",
                            "--skipApiVersionCheck", "--silent",
                            "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                            "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queuePort[0]),
                            "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(EmulatorProcess.freePort()));
                },
                "/" + ACCOUNT + "?comp=list", INSTALL_HINT);
        AzuriteServer server = new AzuriteServer(process, queuePort[0]);
        process.publish(CONNECTION_STRING_SETTING, server.connectionString());
        return server;
    }

    /** {@code http://127.0.0.1:port/devstoreaccount1}. */
    public String blobEndpoint() {
        return process.baseUrl() + "/" + ACCOUNT;
    }

    /** {@code http://127.0.0.1:port/devstoreaccount1}: the queue service of the same process. */
    public String queueEndpoint() {
        return "http://127.0.0.1:" + queuePort + "/" + ACCOUNT;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";QueueEndpoint=" + queueEndpoint() + ";";
    }

    /** Creates {@code container} (fixture setup, not the code under test); an existing one is fine. */
    public void createContainer(String container) {
        setupClient().getBlobContainerClient(container).createIfNotExists();
    }

    /** A client on this server for fixtures, configured explicitly (independent of the published settings). */
    public BlobServiceClient setupClient() {
        BlobServiceClient c = setupClient;
        if (c == null) {
            synchronized (this) {
                c = setupClient;
                if (c == null) {
                    c = new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
                    setupClient = c;
                }
            }
        }
        return c;
    }

    @Override
    public String name() {
        return "azurite";
    }

    @Override
    public Map<String, String> systemProperties() {
        return process.published();
    }

    @Override
    public Map<String, String> environment() {
        return Map.of(CONNECTION_STRING_SETTING, connectionString());
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
