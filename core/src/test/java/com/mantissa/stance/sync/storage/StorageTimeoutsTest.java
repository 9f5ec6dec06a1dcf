package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.settings.ConfigurationException;
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
    void settingsTakeTheDurationSyntaxOfEverySetting() {
        System.setProperty(StorageTimeouts.CONNECT_TIMEOUT_SETTING, "PT0.5S");
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "1m30s");
        assertEquals(new StorageTimeouts(Duration.ofMillis(500), Duration.ofSeconds(90)), StorageTimeouts.fromSettings());

        System.setProperty(StorageTimeouts.CONNECT_TIMEOUT_SETTING, "500ms");
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "10s");
        assertEquals(new StorageTimeouts(Duration.ofMillis(500), Duration.ofSeconds(10)), StorageTimeouts.fromSettings());
    }

    @Test
    void aNumberWithoutAUnitIsRefusedRatherThanGuessed() {
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "12");

        ConfigurationException e = assertThrows(ConfigurationException.class, StorageTimeouts::fromSettings);

        assertTrue(e.getMessage().startsWith("STANCE_REQUEST_TIMEOUT: ") && e.getMessage().contains("'12'"),
                e.getMessage());
    }

    @Test
    void withoutSettingsTheDefaultsApply() {
        assertEquals(StorageTimeouts.DEFAULT, StorageTimeouts.fromSettings());
    }

    @Test
    void aSettingThatIsNoDurationIsAConfigurationErrorNamingIt() {
        System.setProperty(StorageTimeouts.REQUEST_TIMEOUT_SETTING, "soon");

        ConfigurationException e = assertThrows(ConfigurationException.class, StorageTimeouts::fromSettings);

        assertTrue(e.getMessage().contains("STANCE_REQUEST_TIMEOUT") && e.getMessage().contains("'soon'"), e.getMessage());
        assertFalse(e.getMessage().contains("cannot be used"), "names the setting, not the store: " + e.getMessage());
    }

    @Test
    void aZeroTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StorageTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
