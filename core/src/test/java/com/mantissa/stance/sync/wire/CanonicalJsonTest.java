package com.mantissa.stance.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void usesPythonSeparatorsAndSortsKeys() {
        assertEquals("{\"a\": [1, 2, {\"x\": null, \"y\": true}], \"b\": false}",
                CanonicalJson.write(map("b", false, "a", List.of(1, 2, map("y", true, "x", null)))));
        assertEquals("{}", CanonicalJson.write(map()));
        assertEquals("[]", CanonicalJson.write(List.of()));
    }

    @Test
    void unsortedFormKeepsInsertionOrderAtEveryLevel() {
        assertEquals("{\"b\": {\"z\": 1, \"a\": 2}, \"a\": [\"\\u00e9\"]}",
                CanonicalJson.writeUnsorted(map("b", map("z", 1, "a", 2), "a", List.of("\u00e9"))));
    }

    @Test
    void sortsKeysByCodePointNotUtf16Units() {
        String astral = "\ud83d\udd25"; // U+1F525, UTF-16 units D83D DD25
        String privateUse = "\ue000";
        String high = "\uffff";
        // Java's compareTo would put the astral key first (D83D < E000).
        assertEquals("{\"\\ue000\": 1, \"\\uffff\": 2, \"\\ud83d\\udd25\": 3}",
                CanonicalJson.write(map(astral, 3, high, 2, privateUse, 1)));
        assertEquals("{\"a\": 1, \"ab\": 2, \"b\": 3}", CanonicalJson.write(map("b", 3, "ab", 2, "a", 1)));
    }

    @Test
    void escapesLikeEnsureAscii() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f\"", CanonicalJson.write("q\" b\\ n\n r\r t\t b\b f\f"));
        assertEquals("\"\\u0000\\u0001\\u001f \"", CanonicalJson.write("\u0000\u0001\u001f "));
        assertEquals("\"/<>&'\"", CanonicalJson.write("/<>&'"));
        assertEquals("\"caf\\u00e9 \\u2028 \\u00a0\"", CanonicalJson.write("caf\u00e9 \u2028 \u00a0"));
        assertEquals("\"\\ud83d\\udd25\"", CanonicalJson.write("\ud83d\udd25"));
    }

    /** Python's ensure_ascii, one character at a time: the reference for the bulk-copying writer. */
    private static String ensureAscii(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void everyStringIsWrittenAsEnsureAsciiWritesItWhereverItsFirstEscapeFalls() {
        // Characters whose low byte alone would pass for printable ASCII (U+0141 is 'A' + 0x100)
        // must be escaped even where the text before them was copied in bulk.
        char[] alphabet = {'a', 'Z', ' ', '~', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u0080', '\u00e9',
            '\u00ff', '\u0100', '\u0141', '\u2028', '\ud83d', '\udd25', '\uffff'};
        Random random = new Random(20261201);
        for (int n = 0; n < 20_000; n++) {
            int length = random.nextInt(40);
            char[] text = new char[length];
            for (int i = 0; i < length; i++) {
                // Mostly plain text, so that the first escape falls anywhere, or nowhere.
                text[i] = random.nextInt(8) == 0 ? alphabet[random.nextInt(alphabet.length)]
                        : (char) (0x20 + random.nextInt(0x5f));
            }
            String s = new String(text);
            assertEquals(ensureAscii(s), CanonicalJson.write(s), () -> "for " + Arrays.toString(s.toCharArray()));
        }
        String latin1 = "x".repeat(5000) + "\u00e9";
        assertEquals(ensureAscii(latin1), CanonicalJson.write(latin1));
        assertEquals("\"\\u0141\"", CanonicalJson.write("\u0141"));
    }

    @Test
    void escapesDelAsPythonDoes() {
        // CPython's ensure_ascii escapes everything outside ' '..'~', DEL included.
        assertEquals("\"a\\u007fb\"", CanonicalJson.write("a\u007fb"));
    }

    @Test
    void escapesLoneSurrogatesIndividually() {
        assertEquals("\"\\ud800x\\udfff\"", CanonicalJson.write("\ud800x\udfff"));
    }

    @Test
    void printsIntegersOfAnySize() {
        assertEquals("[0, -5, 7, 3, 9223372036854775807, 9223372036854775808, -123456789012345678901234567890]",
                CanonicalJson.write(List.of(0L, -5, (short) 7, (byte) 3, Long.MAX_VALUE,
                        new BigInteger("9223372036854775808"), new BigInteger("-123456789012345678901234567890"))));
    }

    @Test
    void printsFloatsAsPythonRepr() {
        assertEquals("10.0", CanonicalJson.write(10.0));
        assertEquals("0.1", CanonicalJson.write(0.1));
        assertEquals("1e-07", CanonicalJson.write(1e-7));
        assertEquals("1e+16", CanonicalJson.write(1e16));
        assertEquals("1000000000000000.0", CanonicalJson.write(1e15));
        assertEquals("0.0001", CanonicalJson.write(1e-4));
        assertEquals("1e-05", CanonicalJson.write(1e-5));
        assertEquals("3.3333333333333335", CanonicalJson.write(10.0 / 3));
        assertEquals("1.5e+300", CanonicalJson.write(1.5e300));
        assertEquals("5e-324", CanonicalJson.write(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", CanonicalJson.write(Double.MAX_VALUE));
        assertEquals("123456789.125", CanonicalJson.write(123456789.125));
        assertEquals("-0.0", CanonicalJson.write(-0.0));
        assertEquals("0.0", CanonicalJson.write(0.0));
        assertEquals("-2.5e-05", CanonicalJson.write(-2.5e-5));
        assertEquals("1.5", CanonicalJson.write(1.5f));
        assertEquals("0.1", CanonicalJson.write(new BigDecimal("0.1")));
    }

    @Test
    void printsShortestDigitsWhereJava17DoubleToStringDoesNot() {
        // Java 17 prints these as 2.82879384806159008E17, 9.999999999999999E22 and
        // 4.8726570056999995E288 (fixed in JDK 19); Python's repr is the shortest round-trip form.
        assertEquals("2.82879384806159e+17", CanonicalJson.write(2.82879384806159E17));
        assertEquals("1e+23", CanonicalJson.write(1.0E23));
        assertEquals("4.8726570057e+288", CanonicalJson.write(4.8726570057E288));
        assertEquals("2e-323", CanonicalJson.write(2.0E-323));
    }

    @Test
    void printsNonFiniteFloatsAsPythonDoes() {
        assertEquals("[NaN, Infinity, -Infinity]",
                CanonicalJson.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    }

    @Test
    void matchesPythonReprForElevenThousandDoublesIncludingPowersOfTwoNeighbours() throws IOException {
        // float-repr.tsv was generated with CPython 3.11 json.dumps: every power of two, its two
        // neighbours, random bit patterns and decimal-looking values.
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/python/float-repr.tsv"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] parts = line.split("\t");
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
                String got = CanonicalJson.write(d);
                if (!got.equals(parts[1])) {
                    mismatches.add(parts[0] + ": expected " + parts[1] + " got " + got);
                }
                n++;
            }
        }
        assertEquals(11383, n);
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())));
    }

    @Test
    void randomDoublesRoundTripThroughTheirRepr() {
        Random random = new Random(42);
        for (int i = 0; i < 100; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String repr = CanonicalJson.write(d);
            assertEquals(d, Double.parseDouble(repr), repr);
            assertEquals(d, JsonParser.parse(repr), repr);
        }
    }

    @Test
    void writesArraysAndCollections() {
        assertEquals("[1, \"a\", null]", CanonicalJson.write(new Object[] {1, "a", null}));
        assertEquals("[1, 2]", CanonicalJson.write(new java.util.LinkedHashSet<>(Arrays.asList(1, 2))));
    }

    @Test
    void rejectsNonJsonValuesAndNonStringKeys() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(new Object()));
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(1, 2);
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(m));
    }

    @Test
    void bytesAreTheAsciiOfTheText() {
        assertEquals("{\"k\": \"\\u00e9\"}", new String(CanonicalJson.bytes(map("k", "\u00e9")), StandardCharsets.US_ASCII));
    }

    @Test
    void parsedJsonReserialisesToPythonsOutput() {
        String text = "{\"z\": 1.0, \"a\": [1E2, -0, 12345678901234567890123], \"m\": \"\\ud834\\udd1e\"}";
        assertEquals("{\"a\": [100.0, 0, 12345678901234567890123], \"m\": \"\\ud834\\udd1e\", \"z\": 1.0}",
                CanonicalJson.write(JsonParser.parse(text)));
    }
}
