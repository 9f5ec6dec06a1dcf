package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.mantissa.stance.sync.engine.scan.ScanFileReader;
import com.mantissa.stance.sync.engine.scan.ScanLine;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Interop proof: the records and paths the Python original wrote for the visible scan
 * (account 123456789012, provider aws, default config) come out byte-identical here.
 */
class VisibleVectorsModelTest {
    private static final String ACCOUNT = "123456789012";

    @Test
    void everyExpectedRecordHasTheOriginalsPathBytesAndChecksum() throws IOException {
        List<Map<String, Object>> expected = readExpected();
        List<Map<String, Object>> findings = readScan("findings.jsonl");
        List<Map<String, Object>> assets = readScan("assets.jsonl");

        // The visible scan has 40 finding lines and 12 asset lines; the original accepted all
        // 52 of them and so does this engine: no line is rejected by either.
        assertEquals(40, findings.size());
        assertEquals(12, assets.size());
        assertEquals(52, expected.size());

        List<Map<String, Object>> inputs = new ArrayList<>(findings);
        inputs.addAll(assets);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> exp = expected.get(i);
            Map<String, Object> raw = inputs.get(i);
            boolean isFinding = i < findings.size();
            assertEquals(isFinding ? "finding" : "asset", exp.get("kind"), "kind of vector " + i);

            Map<String, Object> record;
            String path;
            if (isFinding) {
                Finding f = Finding.fromMap(raw);
                record = f.toMap();
                path = RecordPaths.findingPath("aggregated", ACCOUNT, f.id());
            } else {
                Asset a = Asset.fromMap(raw);
                record = a.toMap();
                path = RecordPaths.assetPath("aggregated", ACCOUNT, a.id());
            }
            record.put("_source_account", ACCOUNT);
            record.put("_source_provider", "aws");
            record.put("_checksum", Checksums.recordChecksum(record));

            @SuppressWarnings("unchecked")
            Map<String, Object> expRecord = (Map<String, Object>) exp.get("record");
            assertEquals(exp.get("path"), path, "path of vector " + i);
            assertEquals(expRecord.get("_checksum"), record.get("_checksum"), "checksum of vector " + i);
            assertEquals(CanonicalJson.write(expRecord), CanonicalJson.write(record), "record of vector " + i);
            assertEquals(new ArrayList<>(expRecord.keySet()), new ArrayList<>(record.keySet()),
                    "key order of vector " + i);
        }
    }

    @Test
    void expectedChecksumsAreTheHashOfTheCanonicalJsonOfThePublicKeys() throws IOException {
        for (Map<String, Object> exp : readExpected()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) exp.get("record");
            Map<String, Object> withoutChecksum = new LinkedHashMap<>(rec);
            withoutChecksum.remove("_checksum");
            assertEquals(rec.get("_checksum"), Checksums.recordChecksum(withoutChecksum));
        }
    }

    private static List<Map<String, Object>> readExpected() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        String text = new String(resource("vectors/visible-expected.jsonl").readAllBytes(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JsonParser.parseObject(line));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> readScan(String name) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (ScanFileReader r = ScanFileReader.open(name, resource("vectors/visible-scan/" + name))) {
            while (r.hasNext()) {
                ScanLine line = r.next();
                assertNull(line.error(), "scan line rejected: " + line.error());
                out.add(line.object());
            }
        }
        return out;
    }

    private static InputStream resource(String name) {
        InputStream in = VisibleVectorsModelTest.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("test resource missing: " + name));
        }
        return in;
    }
}
