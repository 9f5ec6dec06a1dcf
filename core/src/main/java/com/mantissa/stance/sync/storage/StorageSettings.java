package com.mantissa.stance.sync.storage;

/**
 * Reads a storage SDK setting the way the Azure SDK's {@code com.azure.core.util.Configuration}
 * and the AWS SDK's {@code SdkSystemSetting} do: a JVM system property of that name first, then
 * the environment variable. Adapters use it only for the settings an SDK documents but does
 * not apply itself ({@code AZURE_STORAGE_CONNECTION_STRING}, {@code STORAGE_EMULATOR_HOST}).
 *
 * <p>Unlike the Azure SDK's global configuration this lookup never caches, so a setting
 * published after start-up (a test's emulator on a port picked at run time) is seen by every
 * adapter created afterwards.
 */
final class StorageSettings {

    private StorageSettings() {
    }

    /** The setting's value, or null when it is unset or blank. */
    static String get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
