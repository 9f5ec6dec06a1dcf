package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @Test
    void wholeNumbersWithAUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("3s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse(" 90S "), "case and surrounding blanks do not matter");
    }

    @Test
    void zeroNeedsNoUnit() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void isoEightySixZeroOneIsAcceptedToo() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "90", "-5s", "1.5h", "5 s", "5sec", "3w", "soon", "PT-1S", "99999999999999999d",
        "1h30m"})
    void anythingElseIsRefusedNamingTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("24h"), "the message shows an accepted form: " + e.getMessage());
    }

    @Test
    void nullIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
