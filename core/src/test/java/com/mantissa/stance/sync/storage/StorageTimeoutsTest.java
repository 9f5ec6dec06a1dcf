package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StorageTimeoutsTest {

    @AfterEach
    void clearSettings() {
        System.clearProperty(StorageTimeouts.CONNECT_TIMEOUT_SETTING);
        System.clearProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING);
    }

    @Test
    void settingsAcceptIsoDurationsAndWholeSeconds() {
        System.setProperty(StorageTimeouts.CONNECT_TIMEOUT_SETTING, "PT0.5S");
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "12");

        assertEquals(new StorageTimeouts(Duration.ofMillis(500), Duration.ofSeconds(12)), StorageTimeouts.fromSettings());
    }

    @Test
    void withoutSettingsTheDefaultsApply() {
        assertEquals(StorageTimeouts.DEFAULT, StorageTimeouts.fromSettings());
    }

    @Test
    void aSettingThatIsNoDurationIsAConfigurationErrorNamingIt() {
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "soon");

        PermanentStorageException e = assertThrows(PermanentStorageException.class, StorageTimeouts::fromSettings);

        assertTrue(e.getMessage().contains("STANCE_REQUEST_TIMEOUT") && e.getMessage().contains("'soon'"), e.getMessage());
    }

    @Test
    void aZeroTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StorageTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
