package com.mantissa.stance.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PythonTimestampsTest {

    @Test
    void zuluBecomesPlusZero() {
        assertEquals("2024-01-15T10:30:00+00:00", PythonTimestamps.normalize("2024-01-15T10:30:00Z"));
        assertEquals("2024-01-15T10:30:00+00:00", PythonTimestamps.normalize("2024-01-15T10:30:00-00:00"));
    }

    @Test
    void dateAloneBecomesMidnight() {
        assertEquals("2024-06-01T00:00:00", PythonTimestamps.normalize("2024-06-01"));
        assertEquals("2024-01-15T00:00:00", PythonTimestamps.normalize("2024-W03-1"));
    }

    @Test
    void fractionIsPaddedToMicrosecondsAndDroppedWhenZero() {
        assertEquals("2024-01-15T00:00:00.500000+00:00", PythonTimestamps.normalize("2024-01-15T00:00:00.5+00:00"));
        assertEquals("2024-01-15T10:30:00", PythonTimestamps.normalize("2024-01-15T10:30:00.000000"));
        assertEquals("2024-01-15T10:30:00.123456", PythonTimestamps.normalize("2024-01-15T10:30:00.1234567"));
        assertEquals("2024-01-15T10:30:00.500000", PythonTimestamps.normalize("2024-01-15T10:30:00,5"));
    }

    @Test
    void keepsOffsetsIncludingSecondsAndAcceptsBasicForms() {
        assertEquals("2025-12-31T23:59:59-08:00", PythonTimestamps.normalize("2025-12-31T23:59:59-08:00"));
        assertEquals("2024-01-15T10:30:00+05:30:15.500000", PythonTimestamps.normalize("2024-01-15T10:30:00+05:30:15.5"));
        assertEquals("2024-01-15T10:30:00+05:30", PythonTimestamps.normalize("20240115T103000+0530"));
        assertEquals("2024-01-15T10:30:00", PythonTimestamps.normalize("2024-01-15 10:30"));
    }

    @Test
    void emptyAndNullGiveNull() {
        assertNull(PythonTimestamps.normalize(null));
        assertNull(PythonTimestamps.normalize(""));
    }

    @Test
    void invalidTextOrNonStringIsARecordError() {
        InvalidTimestampException e = assertThrows(InvalidTimestampException.class,
                () -> PythonTimestamps.normalize("2024-01-15T24:00:00"));
        assertEquals("invalid timestamp '2024-01-15T24:00:00'", e.getMessage());
        assertThrows(InvalidTimestampException.class, () -> PythonTimestamps.normalize("yesterday"));
        assertThrows(InvalidTimestampException.class, () -> PythonTimestamps.normalize(20240115L));
        assertThrows(InvalidTimestampException.class, () -> PythonTimestamps.normalize("2023-02-29"));
        assertThrows(InvalidTimestampException.class, () -> PythonTimestamps.normalize("2024-01-15T10:30:00+24:00"));
    }

    @Test
    void toInstantTakesNaiveAsUtcAndAppliesOffsets() {
        assertEquals(Optional.of(Instant.parse("2024-01-15T10:30:00Z")), PythonTimestamps.toInstant("2024-01-15T10:30:00"));
        assertEquals(Optional.of(Instant.parse("2024-01-15T05:00:00Z")), PythonTimestamps.toInstant("2024-01-15T10:30:00+05:30"));
        assertEquals(Optional.of(Instant.parse("2024-01-01T07:59:59.123456Z")),
                PythonTimestamps.toInstant("2023-12-31T23:59:59.123456-08:00"));
        assertEquals(Optional.empty(), PythonTimestamps.toInstant("garbage"));
        assertEquals(Optional.empty(), PythonTimestamps.toInstant(null));
    }

    @Test
    void agreesWithCpython311OnNineThousandFuzzedInputs() throws IOException {
        // fromisoformat.jsonl: {"in": s, "out": datetime.fromisoformat(s).isoformat() or null},
        // generated with CPython 3.11.7 from hand-picked edge cases and random mutations of them.
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/python/fromisoformat.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Map<String, Object> row = JsonParser.parseObject(line);
                String in = (String) row.get("in");
                Object expected = row.get("out");
                PythonTimestamps.Parsed parsed = PythonTimestamps.parse(in);
                String got = parsed == null ? null : parsed.isoformat();
                if (expected == null ? got != null : !expected.equals(got)) {
                    mismatches.add(CanonicalJson.write(in) + ": expected " + expected + " got " + got);
                }
                n++;
            }
        }
        assertEquals(9271, n);
        assertEquals(List.of(), mismatches.subList(0, Math.min(30, mismatches.size())));
    }

    @Test
    void epochMicrosAndNormalizeAgreeWithTheGeneralParserOnCommonFormsAndNearMisses() {
        java.util.Random random = new java.util.Random(11);
        String[] offsets = {"", "+00:00", "-05:30", "+23:59", "+24:00", "-00:60", "+1a:00", "*01:00", "+01-00",
            "Z", "-00:00", "z", "+05:30:15", "+0530"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            // Fields mostly in range, sometimes just outside it, sometimes not digits.
            sb.append(field(random, 4, 0, 10_000)).append('-').append(field(random, 2, 0, 14)).append('-')
                    .append(field(random, 2, 0, 32)).append(random.nextInt(20) == 0 ? ' ' : 'T')
                    .append(field(random, 2, 0, 25)).append(':').append(field(random, 2, 0, 61)).append(':')
                    .append(field(random, 2, 0, 61));
            int fraction = random.nextInt(6);
            if (fraction == 1) {
                sb.append('.').append(random.nextBoolean() ? "000000" : field(random, 6, 0, 1_000_000));
            } else if (fraction == 2) {
                sb.append('.').append(field(random, 3, 0, 1000)); // other lengths take the general path
            } else if (fraction == 3) {
                sb.append('.').append(field(random, 7, 0, 10_000_000));
            }
            sb.append(offsets[random.nextInt(offsets.length)]);
            String s = sb.toString();
            long expected = PythonTimestamps.toInstant(s)
                    .map(t -> Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000))
                    .orElse(-1L);
            assertEquals(expected, PythonTimestamps.epochMicros(s, -1L), s);
            PythonTimestamps.Parsed general = PythonTimestamps.parse(s);
            if (general == null) {
                assertThrows(InvalidTimestampException.class, () -> PythonTimestamps.normalize(s), s);
            } else {
                assertEquals(general.isoformat(), PythonTimestamps.normalize(s), s);
            }
        }
        assertEquals(-1L, PythonTimestamps.epochMicros(null, -1L));
        assertEquals(-1L, PythonTimestamps.epochMicros("", -1L));
    }

    private static String field(java.util.Random random, int width, int min, int bound) {
        if (random.nextInt(50) == 0) {
            return "x".repeat(width);
        }
        return String.format(java.util.Locale.ROOT, "%0" + width + "d", min + random.nextInt(bound - min));
    }
}
