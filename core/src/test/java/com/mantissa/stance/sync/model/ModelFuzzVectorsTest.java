package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 400 random records (odd types in every field, big integers, astral and private-use keys, DEL,
 * bad enums and timestamps, missing or non-string ids) run through a transcription of the
 * original's from_dict/to_dict/checksum/path code under CPython 3.11 (gen_model_fuzz.py).
 */
class ModelFuzzVectorsTest {

    @Test
    @SuppressWarnings("unchecked")
    void recordsPathsAndChecksumsMatchTheOriginalAndRejectionsAgree() throws IOException {
        int accepted = 0;
        int rejected = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/python/model-fuzz.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Map<String, Object> row = JsonParser.parseObject(line);
                Map<String, Object> input = (Map<String, Object>) row.get("input");
                boolean finding = "finding".equals(row.get("kind"));
                String where = "input " + CanonicalJson.write(input);
                if (Boolean.TRUE.equals(row.get("error"))) {
                    assertThrows(InvalidRecordException.class,
                            () -> {
                                if (finding) {
                                    Finding.fromMap(input);
                                } else {
                                    Asset.fromMap(input);
                                }
                            }, where);
                    rejected++;
                    continue;
                }
                Map<String, Object> record = finding ? Finding.fromMap(input).toMap() : Asset.fromMap(input).toMap();
                String id = (String) record.get("id");
                String path = finding ? RecordPaths.findingPath("aggregated", "123456789012", id)
                        : RecordPaths.assetPath("aggregated", "123456789012", id);
                record.put("_source_account", "123456789012");
                record.put("_source_provider", "aws");
                record.put("_checksum", Checksums.recordChecksum(record));
                assertEquals(row.get("path"), path, where);
                assertEquals(row.get("canonical"), CanonicalJson.write(record), where);
                accepted++;
            }
        }
        assertEquals(135, accepted);
        assertEquals(265, rejected);
    }
}
