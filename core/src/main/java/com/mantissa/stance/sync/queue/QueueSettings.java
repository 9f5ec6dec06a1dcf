package com.mantissa.stance.sync.queue;

/**
 * Reads an SDK setting as the SDKs do: the JVM system property of that name first, then the
 * environment variable, never cached, so an emulator published after start-up is seen.
 */
final class QueueSettings {

    private QueueSettings() {
    }

    /** The setting's value, or null when it is unset or blank. */
    static String get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }
}
