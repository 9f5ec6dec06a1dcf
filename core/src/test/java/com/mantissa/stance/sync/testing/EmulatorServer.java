package com.mantissa.stance.sync.testing;

import java.util.Map;

/**
 * A storage emulator started by {@link Emulators}: one process per JVM, on a free loopback
 * port, stopped when the JUnit root context closes.
 */
public interface EmulatorServer extends AutoCloseable {

    /** Human-readable name for messages, e.g. {@code moto}. */
    String name();

    /**
     * The JVM system properties this server published while it runs: the names the SDKs
     * (or {@code StorageSettings}) read before the environment variable of the same meaning.
     */
    Map<String, String> systemProperties();

    /**
     * The same settings as environment variables, for tests that start a child process
     * (a CLI run, a function host) which must reach this server.
     */
    Map<String, String> environment();

    /** Stops the server; never throws. */
    @Override
    void close();
}
