package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void unitsAsPeopleWriteThem() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("3s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse(" 2M "));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
    }

    @Test
    void aNumberWithoutUnitOrAnythingElseIsRefusedWithTheForms() {
        for (String bad : new String[] {"3", "", "3 s", "s", "-1s", "3sec", "1.5s", "99999999999999999999s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("500ms"), e.getMessage());
        }
    }
}
