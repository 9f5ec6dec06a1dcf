package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.settings.ConfigurationException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The functions read the notification settings at start-up, through the settings table. */
class FunctionSettingsNotifyTest {

    @Test
    void withoutATargetNothingIsNotifiedAndTheThresholdDefaultsToHigh() {
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));

        assertEquals(Optional.empty(), settings.notifyUri());
        assertEquals(Optional.empty(), settings.notifier());
        assertEquals("high", settings.notifyMinSeverity().severity());
    }

    @Test
    void aTargetOfNoKnownFormIsRefusedAtStartUpNamingTheVariable() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> FunctionSettings.fromEnvironment(
                Map.of("STANCE_CENTRAL_URI", "s3://central", "STANCE_NOTIFY_URI", "pubsub://project/topic/subscription")));
        assertTrue(e.getMessage().startsWith("STANCE_NOTIFY_URI: ") && e.getMessage().contains("pubsub://PROJECT/TOPIC"),
                e.getMessage());
    }

    @Test
    void anUnknownSeverityIsRefusedNamingTheVariableAndTheValue() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> FunctionSettings.fromEnvironment(
                Map.of("STANCE_CENTRAL_URI", "s3://central", "STANCE_NOTIFY_MIN_SEVERITY", "severe")));
        assertTrue(e.getMessage().startsWith("STANCE_NOTIFY_MIN_SEVERITY: ") && e.getMessage().contains("'severe'"),
                e.getMessage());
    }

    @Test
    void aValidTargetIsKeptWithItsThreshold() {
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central",
                "STANCE_NOTIFY_URI", "arn:aws:sns:eu-west-1:123456789012:changes", "STANCE_NOTIFY_MIN_SEVERITY", "Critical"));

        assertEquals(Optional.of("arn:aws:sns:eu-west-1:123456789012:changes"), settings.notifyUri());
        assertEquals("critical", settings.notifyMinSeverity().severity());
    }
}
