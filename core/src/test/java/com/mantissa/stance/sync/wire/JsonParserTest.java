package com.mantissa.stance.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {

    @Test
    void parsesValuesIntoPythonLikeTypes() {
        Map<String, Object> m = JsonParser.parseObject(
                "{\"o\": {}, \"a\": [1, 2.5, \"s\", true, false, null], \"big\": 9223372036854775808, \"neg\": -9223372036854775808}");
        assertInstanceOf(LinkedHashMap.class, m);
        assertInstanceOf(ArrayList.class, m.get("a"));
        assertEquals(List.of(1L, 2.5, "s", true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertEquals(new BigInteger("9223372036854775808"), m.get("big"));
        assertEquals(Long.MIN_VALUE, m.get("neg"));
        assertEquals(List.of("o", "a", "big", "neg"), new ArrayList<>(m.keySet()));
    }

    @Test
    void numbersWithFractionOrExponentAreDoubles() {
        assertEquals(100.0, JsonParser.parse("1e2"));
        assertEquals(10.0, JsonParser.parse("10.0"));
        assertEquals(Double.POSITIVE_INFINITY, JsonParser.parse("1e400"));
        assertEquals(0L, JsonParser.parse("-0"));
        assertEquals(-0.0, JsonParser.parse("-0.0"));
    }

    @Test
    void acceptsNanAndInfinityLikePython() {
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                JsonParser.parse("[NaN, Infinity, -Infinity]"));
    }

    @Test
    void duplicateKeyKeepsLastValueAtFirstPosition() {
        Map<String, Object> m = JsonParser.parseObject("{\"a\": 1, \"b\": 2, \"a\": 3}");
        assertEquals(List.of("a", "b"), new ArrayList<>(m.keySet()));
        assertEquals(3L, m.get("a"));
    }

    @Test
    void decodesEscapesSurrogatePairsAndKeepsLoneSurrogates() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9", JsonParser.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\""));
        assertEquals("\ud83d\udd25", JsonParser.parse("\"\\ud83d\\udd25\""));
        assertEquals("\ud800x", JsonParser.parse("\"\\ud800x\""));
        assertEquals("\udc00\ud800", JsonParser.parse("\"\\udc00\\ud800\""));
    }

    @Test
    void rawControlCharacterInStringIsAnError() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("\"a\tb\""));
        assertEquals("invalid JSON at column 3: invalid control character in string", e.getMessage());
        assertEquals("a\u007fb", JsonParser.parse("\"a\u007fb\""));
    }

    @Test
    void errorsNameTheColumn() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("{\"a\": 1 \"b\": 2}"));
        assertEquals("invalid JSON at column 9: expected ',' or '}'", e.getMessage());
        assertEquals(9, e.column());
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse(""));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("[1,]"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("{\"a\":1,}"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("01"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("1."));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("\"\\x\""));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("\"\\u12\""));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("\"open"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("{} {}"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("nul"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("{'a': 1}"));
    }

    @Test
    void parseObjectRejectsOtherTopLevelValues() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parseObject("[1]"));
        assertTrue(e.getMessage().endsWith("expected a JSON object"), e.getMessage());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than 512"), e.getMessage());
        String ok = "[".repeat(512) + "]".repeat(512);
        assertInstanceOf(List.class, JsonParser.parse(ok));
    }

    @Test
    void integerLongerThanPythonsDigitLimitIsRejected() {
        assertEquals(new BigInteger("9".repeat(4300)), JsonParser.parse("9".repeat(4300)));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("9".repeat(4301)));
    }

    @Test
    void agreesWithCpythonJsonLoadsOnFuzzedInputs() throws IOException {
        // json-loads.jsonl: {"in": text, "out": json.dumps(json.loads(text), sort_keys=True) or
        // null when CPython 3.11 raises}; random mutations of valid documents.
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/python/json-loads.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Map<String, Object> row = JsonParser.parseObject(line);
                String in = (String) row.get("in");
                Object expected = row.get("out");
                String got;
                try {
                    got = CanonicalJson.write(JsonParser.parse(in));
                } catch (JsonSyntaxException e) {
                    got = null;
                }
                if (expected == null ? got != null : !expected.equals(got)) {
                    mismatches.add(CanonicalJson.write(in) + ": expected " + expected + " got " + got);
                }
                n++;
            }
        }
        assertEquals(4476, n);
        assertEquals(List.of(), mismatches.subList(0, Math.min(30, mismatches.size())));
    }
}
