package com.mantissa.stance.sync.settings;

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
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse(" 90S "), "case and surrounding blanks do not matter");
        assertEquals(Duration.ofMinutes(2), Durations.parse(" 2M "));
    }

    @Test
    void unitsCombineLargestFirstOrNot() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1s500ms"));
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

    @Test
    void formatIsReadBackByParse() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), Duration.ofHours(3), Duration.ofSeconds(61)}) {
            assertEquals(d, Durations.parse(Durations.format(d)), d.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "90", "-5s", "-1s", "1.5h", "1.5s", "5 s", "3 s", "s", "5sec", "3sec", "3w", "soon",
        "PT-1S", "99999999999999999d", "99999999999999999999s", "1m30", "1m 30s"})
    void anythingElseIsRefusedNamingTheTextAndTheForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("500ms") && e.getMessage().contains("24h"),
                "the message shows the accepted forms: " + e.getMessage());
    }

    @Test
    void nullIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
