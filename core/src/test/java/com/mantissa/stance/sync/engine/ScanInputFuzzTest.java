package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.mantissa.stance.sync.engine.scan.ScanFileReader;
import com.mantissa.stance.sync.engine.scan.ScanLine;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.JsonSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fuzz targets for everything a scan file's bytes go through before a record is written:
 * the line reader, the JSON parser, canonical JSON and the record model with its path rules.
 * Under {@code mvn test} each replays its committed inputs ({@code ScanInputFuzzTestInputs/<method>/});
 * with {@code JAZZER_FUZZ=1} it fuzzes (docs/reliability.md, "Fuzzing").
 */
class ScanInputFuzzTest {
    /** Small, so that the fuzzer reaches the over-long-line path with short inputs. */
    private static final int MAX_LINE = 256;

    /** Any bytes: records or per-line errors naming the file and line, never an exception. */
    @FuzzTest(maxDuration = "2m")
    void scanFileReaderYieldsRecordsOrLineErrorsOnly(byte[] input) throws IOException {
        String name = input.length > 0 && (input[0] & 1) == 1 ? "scan.json" : "findings.jsonl";
        int previous = 0;
        try (ScanFileReader reader = ScanFileReader.open(name, new ByteArrayInputStream(input), MAX_LINE)) {
            while (reader.hasNext()) {
                ScanLine line = reader.next();
                assertTrue(line.lineNumber() > previous, "line numbers increase");
                previous = line.lineNumber();
                assertTrue(line.object() == null ^ line.error() == null, "a record or an error");
                if (line.error() != null) {
                    assertTrue(line.error().startsWith(name + " line " + line.lineNumber() + ": "), line.error());
                }
            }
        }
    }

    /**
     * Any text: a value or a {@link JsonSyntaxException}; a value's canonical form is a
     * fixed point (write → parse → write gives the same bytes).
     */
    @FuzzTest(maxDuration = "2m")
    void canonicalJsonOfAnyParsedValueIsAFixedPoint(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Object value;
        try {
            value = JsonParser.parse(text);
        } catch (JsonSyntaxException rejected) {
            return;
        }
        String canonical = CanonicalJson.write(value);
        assertTrue(canonical.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "ASCII only");
        assertEquals(canonical, CanonicalJson.write(JsonParser.parse(canonical)));
    }

    /**
     * Any JSON object as a finding or an asset of any account: a record and a key below
     * {@code aggregated/<kind>/<md5>/<account>/}, or an {@link InvalidRecordException}
     * (a per-record error); never another exception, never a key that escapes.
     */
    @FuzzTest(maxDuration = "2m")
    void anyObjectBecomesARecordUnderItsAccountOrAPerRecordError(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String account = newline < 0 ? "123456789012" : text.substring(0, newline);
        Map<String, Object> raw;
        try {
            raw = JsonParser.parseObject(newline < 0 ? text : text.substring(newline + 1));
        } catch (IllegalArgumentException notAnObject) {
            return;
        }
        for (RecordKind kind : RecordKind.values()) {
            Map<String, Object> record;
            String path;
            try {
                record = kind.normalise(raw);
                path = kind.path("aggregated", account, (String) record.get("id"));
            } catch (InvalidRecordException perRecordError) {
                continue;
            }
            assertTrue(Checksums.recordChecksum(record).matches("[0-9a-f]{64}"));
            assertStaysInside(path, "aggregated/" + kind.folder() + "/", account);
        }
    }

    /** The key's folder is exactly {@code base + md5 + "/" + account} however a file system reads it. */
    static void assertStaysInside(String path, String base, String account) {
        assertTrue(path.startsWith(base), path);
        assertTrue(path.endsWith(".json"), path);
        assertTrue(path.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\'), path);
        String folder = base + path.substring(base.length(), base.length() + 4) + "/" + account + "/";
        assertTrue(path.startsWith(folder), path);
        Path root = Path.of("/central");
        Path resolved = root.resolve(path).normalize();
        assertTrue(resolved.startsWith(root.resolve(folder).normalize()), () -> path + " escapes to " + resolved);
        assertTrue(resolved.getNameCount() > root.resolve(folder).normalize().getNameCount(), path);
    }
}
