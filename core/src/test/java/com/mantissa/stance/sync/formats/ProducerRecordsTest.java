package com.mantissa.stance.sync.formats;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.asff;
import static com.mantissa.stance.sync.formats.ProducerDocuments.assets;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.errors;
import static com.mantissa.stance.sync.formats.ProducerDocuments.findings;
import static com.mantissa.stance.sync.formats.ProducerDocuments.json;
import static com.mantissa.stance.sync.formats.ProducerDocuments.jsonLines;
import static com.mantissa.stance.sync.formats.ProducerDocuments.map;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static com.mantissa.stance.sync.formats.ProducerDocuments.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerRecordsTest {
    private static final String BUCKET = "arn:aws:s3:::example-logs";

    private static Format formatOf(String text, Format forced) {
        try (ProducerRecords r = ProducerRecords.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                "f.json", forced, ACCOUNT, "aws")) {
            r.hasNext();
            return r.format();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theFirstRecordDecidesTheFormat() {
        assertEquals(Format.OCSF, formatOf(pretty(List.of(detection("u", "c", BUCKET))), null));
        assertEquals(Format.OCSF, formatOf(jsonLines(List.of(detection("u", "c", BUCKET))), null));
        assertEquals(Format.ASFF, formatOf(pretty(List.of(asff("a"))), null));
        assertEquals(Format.ASFF, formatOf(pretty(map("Findings", List.of(asff("a")))), null));
        assertEquals(Format.STANCE, formatOf(jsonLines(List.of(map("id", "f-1", "severity", "high"))), null));
        assertNull(formatOf("", null));
    }

    @Test
    void aForcedFormatOverridesTheContent() {
        assertEquals(Format.ASFF, formatOf(pretty(List.of(detection("u", "c", BUCKET))), Format.ASFF));
        List<ProducerRecord> records = read(pretty(List.of(detection("u", "c", BUCKET))), "x.json", Format.ASFF, ACCOUNT);
        assertEquals(List.of("x.json element 1 (line 1): Id null: expected a non-empty string"),
                records.stream().map(ProducerRecord::error).toList());
        // A Stance scan forced as Stance comes back as it is, kind left to the caller.
        List<ProducerRecord> stance = read(pretty(List.of(asff("a"))), "x.json", Format.STANCE, ACCOUNT);
        assertNull(stance.get(0).kind());
        assertEquals(asff("a"), stance.get(0).raw());
    }

    @Test
    void aStanceFileComesBackRecordByRecord() {
        Map<String, Object> f1 = map("id", "f-1", "severity", "HIGH", "cvss_score", 7.25, "n", 12345678901234567890.0);
        Map<String, Object> f2 = map("id", "f-2", "big", new java.math.BigInteger("123456789012345678901234567890"));
        List<ProducerRecord> records = read(jsonLines(List.of(f1, f2)), "findings.jsonl", null, ACCOUNT);
        assertEquals(List.of(f1, f2), records.stream().map(ProducerRecord::raw).toList());
        assertEquals(List.of(1, 2), records.stream().map(ProducerRecord::line).toList());
    }

    /** A malformed element: one error naming file, element, line, field and value; the rest lands. */
    @Test
    void aMalformedElementIsOneErrorAndTheRestLands() {
        Map<String, Object> bad = detection("u-2", "c", "arn:aws:s3:::bad");
        bad.put("time_dt", "2026-13-45T99:00:00Z");
        List<Map<String, Object>> docs = List.of(detection("u-1", "c", BUCKET), bad,
                detection("u-3", "c", "arn:aws:s3:::third"));
        String text = pretty(docs);
        List<ProducerRecord> records = read(text);
        int line = text.split("\n", -1).length;
        int secondStart = text.indexOf("}, {") + 3;
        int secondLine = (int) text.substring(0, secondStart).chars().filter(c -> c == '\n').count() + 1;
        List<ProducerRecord> errors = errors(records);
        assertEquals(1, errors.size());
        ProducerRecord error = errors.get(0);
        assertEquals(2, error.index());
        assertEquals(secondLine, error.line());
        assertTrue(secondLine > 2 && secondLine < line, "line " + secondLine);
        assertEquals("prowler.ocsf.json element 2 (line " + error.line() + "): time_dt '2026-13-45T99:00:00Z': not a "
                + "datetime Python's datetime.fromisoformat accepts", error.error());
        assertEquals(List.of("u-1", "u-3"), findings(records).stream().map(r -> r.raw().get("id")).toList());
        assertEquals(List.of(BUCKET, "arn:aws:s3:::third"), assets(records).stream().map(r -> r.raw().get("id")).toList());
    }

    @Test
    void aBadJsonLineIsOneErrorAndTheNextLineIsRead() {
        String text = json(detection("u-1", "c", BUCKET)) + "\n{\"class_uid\": 2004, \"finding_info\": \n\n"
                + json(detection("u-3", "c", BUCKET)) + "\n";
        List<ProducerRecord> records = read(text);
        assertEquals(1, errors(records).size());
        assertTrue(errors(records).get(0).error().startsWith("prowler.ocsf.json element 2 (line 2): "),
                errors(records).get(0).error());
        assertEquals(List.of("u-1", "u-3"), findings(records).stream().map(r -> r.raw().get("id")).toList());
        assertEquals(4, findings(records).get(1).line());
    }

    @Test
    void anElementThatIsNoObjectIsOneError() {
        String text = "[" + json(detection("u-1", "c", BUCKET)) + ", 42, [1], " + json(detection("u-2", "c", BUCKET)) + "]";
        List<ProducerRecord> records = read(text);
        assertEquals(List.of("prowler.ocsf.json element 2 (line 1): expected a JSON object, got a number",
                "prowler.ocsf.json element 3 (line 1): expected a JSON object, got an array"),
                errors(records).stream().map(ProducerRecord::error).toList());
        assertEquals(List.of(1, 4), findings(records).stream().map(ProducerRecord::index).toList());
    }

    @Test
    void aSyntaxErrorInAnArrayEndsTheFileWithOneErrorAfterTheElementsBeforeIt() {
        String text = "[\n" + json(detection("u-1", "c", BUCKET)) + ",\n{\"class_uid\": 2004 \"x\": 1},\n"
                + json(detection("u-3", "c", BUCKET)) + "\n]\n";
        List<ProducerRecord> records = read(text);
        assertEquals(List.of("u-1"), findings(records).stream().map(r -> r.raw().get("id")).toList());
        assertEquals(1, errors(records).size());
        String error = errors(records).get(0).error();
        assertTrue(error.startsWith("prowler.ocsf.json element 2 (line 3): invalid JSON at line 3 column "), error);
        assertTrue(error.endsWith("; the rest of the file is not read"), error);
    }

    @Test
    void anUnterminatedArrayIsOneErrorAfterItsElements() {
        List<ProducerRecord> records = read("[" + json(detection("u-1", "c", BUCKET)) + ",");
        assertEquals(1, findings(records).size());
        assertEquals(1, errors(records).size());
        assertTrue(errors(records).get(0).error().contains("element 2"), errors(records).get(0).error());
    }

    @Test
    void aByteOrderMarkAndBlankLinesAreNotData() {
        String text = "\uFEFF\n\n" + jsonLines(List.of(detection("u-1", "c", BUCKET))) + "\n\n";
        List<ProducerRecord> records = read(text);
        assertEquals(List.of(), errors(records));
        assertEquals(3, findings(records).get(0).line());
        assertEquals(List.of(), read(""));
        assertEquals(List.of(), read("  \n[]\n"));
    }

    @Test
    void fieldsAfterTheFindingsArrayAreSkippedAndAnotherDocumentMayFollow() {
        String text = pretty(map("Findings", List.of(asff("a-1")), "NextToken", map("deep", List.of(1, 2))))
                + "\n" + pretty(map("Findings", List.of(asff("a-2"))));
        List<ProducerRecord> records = read(text, "get-findings.json", null, ACCOUNT);
        assertEquals(List.of(), errors(records));
        assertEquals(List.of("a-1", "a-2"), findings(records).stream().map(r -> r.raw().get("id")).toList());
    }

    @Test
    void fieldsAroundAnEventsFindingsAreSkipped() {
        String text = pretty(map("detail-type", "Security Hub Findings - Imported",
                "detail", map("before", List.of(map("x", 1)), "findings", List.of(asff("a-1"), asff("a-2")),
                        "after", map("y", List.of(2))), "trailer", "z"));
        List<ProducerRecord> records = read(text, "event.json", null, ACCOUNT);
        assertEquals(List.of(), errors(records));
        assertEquals(List.of("a-1", "a-2"), findings(records).stream().map(r -> r.raw().get("id")).toList());
        // An object whose detail holds no findings is a record like any other.
        List<ProducerRecord> plain = read(pretty(List.of(map("id", "s-1", "detail", map("k", "v")))), "s.json", null,
                ACCOUNT);
        assertEquals(map("id", "s-1", "detail", map("k", "v")), plain.get(0).raw());
    }

    @Test
    void aJsonLinesLineOverTheLimitIsOneError() throws Exception {
        String small = json(map("id", "s-1"));
        String text = small + "\n" + json(map("id", "s-2", "pad", "x".repeat(200))) + "\n" + small + "\n";
        try (ProducerRecords r = ProducerRecords.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                "findings.jsonl", null, ACCOUNT, "aws", 100)) {
            List<ProducerRecord> records = toList(r);
            assertEquals(List.of("findings.jsonl element 2 (line 2): line longer than 100 bytes"),
                    errors(records).stream().map(ProducerRecord::error).toList());
            assertEquals(2, records.size() - errors(records).size());
        }
    }

    @Test
    void aFirstLineLongerThanTheLimitIsReadAsADocument() throws Exception {
        String text = json(List.of(detection("u-1", "c", BUCKET), detection("u-2", "c", BUCKET)));
        try (ProducerRecords r = ProducerRecords.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                "one-line.json", null, ACCOUNT, "aws", 100)) {
            assertEquals(List.of("u-1", "u-2"), findings(toList(r)).stream().map(x -> x.raw().get("id")).toList());
        }
        assertThrows(IllegalArgumentException.class, () -> ProducerRecords.open(
                new ByteArrayInputStream(new byte[0]), "x", null, ACCOUNT, "aws", 0));
    }

    @Test
    void invalidUtf8IsAnError() {
        byte[] good = jsonLines(List.of(detection("u-1", "c", BUCKET))).getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"id\": \"\u00e9\"}\n".getBytes(StandardCharsets.UTF_8);
        bad[9] = (byte) 0xff;
        byte[] all = new byte[good.length + bad.length + good.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        System.arraycopy(good, 0, all, good.length + bad.length, good.length);
        List<ProducerRecord> records;
        try (ProducerRecords r = ProducerRecords.open(new ByteArrayInputStream(all), "u.jsonl", null, ACCOUNT, "aws")) {
            records = toList(r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(1, errors(records).size());
        assertTrue(errors(records).get(0).error().startsWith("u.jsonl element 2 (line 2): "), errors(records).get(0).error());
        assertEquals(2, findings(records).size());
    }

    private static List<ProducerRecord> toList(ProducerRecords r) {
        List<ProducerRecord> list = new java.util.ArrayList<>();
        r.forEachRemaining(list::add);
        return list;
    }
}
