package com.mantissa.stance.sync.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one table of settings: one duration syntax, errors naming the setting and value, and the page generated from it. */
class SettingsTest {
    /** Regenerate the page with {@code -Dsettings.write=true}. */
    private static final Path PAGE = Path.of("..", "docs", "settings.md");

    @Test
    void everyDurationSettingTakesTheOneSyntax() {
        Map<String, Duration> forms = Map.of("500ms", Duration.ofMillis(500), "10s", Duration.ofSeconds(10),
                "1m30s", Duration.ofSeconds(90), "48h", Duration.ofHours(48), "7d", Duration.ofDays(7),
                "PT10S", Duration.ofSeconds(10), "0", Duration.ZERO);
        int durations = 0;
        for (Setting<?> setting : Settings.ALL) {
            if (!(setting.defaultValue() instanceof Duration) && setting != Settings.DEADLINE
                    && setting != Settings.TIME_BUDGET) {
                continue;
            }
            durations++;
            for (Map.Entry<String, Duration> form : forms.entrySet()) {
                assertEquals(form.getValue(), setting.parse(form.getKey(), setting.name()), setting + " " + form.getKey());
            }
        }
        assertEquals(6, durations, "index max age, deadline, stale after, time budget and the two store timeouts");
    }

    @Test
    void aBadValueIsAConfigurationErrorNamingTheSettingAndTheValue() {
        for (Setting<?> setting : List.of(Settings.BATCH_SIZE, Settings.CONCURRENCY, Settings.EXPORT_KEEP,
                Settings.INDEX_MAX_AGE, Settings.DEADLINE, Settings.STALE_AFTER, Settings.REQUEST_TIMEOUT,
                Settings.RESOLVE_MAX_SHARE, Settings.RESOLVE_MISSING)) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> setting.from(Map.of(setting.env(), "abc")));
            assertTrue(e.getMessage().startsWith(setting.env() + ": ") && e.getMessage().contains("'abc'"),
                    e.getMessage());
        }
        ConfigurationException flag = assertThrows(ConfigurationException.class,
                () -> Settings.DEADLINE.parse("10", "--deadline"));
        assertTrue(flag.getMessage().startsWith("--deadline: "), flag.getMessage());
    }

    @Test
    void aDurationBeyondWhatASettingHoldsIsRefusedNotOverflowed() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Settings.DEADLINE.parse("106752d", "--deadline"));
        assertTrue(e.getMessage().contains("106752d"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> Settings.TIME_BUDGET.parse("200000d", "--time-budget"));
        assertEquals(Duration.ofDays(3650), Settings.DEADLINE.parse("3650d", "--deadline"));
    }

    @Test
    void everySettingIsNamedOnceAndHasADescriptionAndAParsableDefault() {
        Set<String> names = new HashSet<>();
        for (Setting<?> setting : Settings.ALL) {
            assertTrue(names.add(setting.name()), "named twice: " + setting);
            assertTrue(!setting.description().isBlank() && !setting.description().contains("\n"), setting.name());
            if (setting.defaultText() != null) {
                assertNotNull(setting.defaultValue(), setting.name());
            }
        }
    }

    @Test
    void theSettingsPageIsGeneratedFromTheTable() throws IOException {
        String expected = Settings.markdown();
        if (Boolean.getBoolean("settings.write")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(PAGE, StandardCharsets.UTF_8),
                "docs/settings.md differs from the settings table: run this test with -Dsettings.write=true");
    }
}
