package com.mantissa.stance.sync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The GCS test backend: a {@link FakeGcsJsonApiServer} in the test JVM on a free loopback port.
 * Publishes {@code STORAGE_EMULATOR_HOST}, which {@code GCSStorageAdapter} reads (system
 * property, then environment) as the other Google clients do; see {@link Emulators}.
 *
 * <p>It is a hand-written fake, not Google's server: no GCS emulator that enforces generation
 * preconditions starts offline from the registries this project may use. What it does and does
 * not cover is listed on {@link FakeGcsJsonApiServer}.
 */
public final class GcsServer implements EmulatorServer {

    public static final String EMULATOR_HOST = "STORAGE_EMULATOR_HOST";

    private final FakeGcsJsonApiServer server;

    private GcsServer(FakeGcsJsonApiServer server) {
        this.server = server;
    }

    static GcsServer start() {
        try {
            FakeGcsJsonApiServer server = FakeGcsJsonApiServer.start();
            System.setProperty(EMULATOR_HOST, server.endpoint());
            return new GcsServer(server);
        } catch (IOException e) {
            // JDK-only and in-process: nothing to install, so the only cause is no loopback port.
            throw new UncheckedIOException("FakeGcsJsonApiServer could not listen on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:port}. */
    public String endpoint() {
        return server.endpoint();
    }

    /** Creates {@code bucket} (fixture setup); an existing one is fine. */
    public void createBucket(String bucket) {
        server.createBucket(bucket);
    }

    /** The fake itself, to inject failures or read what the client sent. */
    public FakeGcsJsonApiServer fake() {
        return server;
    }

    @Override
    public String name() {
        return "fake GCS JSON API";
    }

    @Override
    public Map<String, String> systemProperties() {
        return Map.of(EMULATOR_HOST, endpoint());
    }

    @Override
    public Map<String, String> environment() {
        return Map.of(EMULATOR_HOST, endpoint());
    }

    @Override
    public void close() {
        if (endpoint().equals(System.getProperty(EMULATOR_HOST))) {
            System.clearProperty(EMULATOR_HOST);
        }
        server.close();
    }

    @Override
    public String toString() {
        return name() + " at " + endpoint();
    }
}
