package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.engine.push.CentralRecordCodec;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spliced record JSON is byte for byte what canonical JSON of the whole record gives. */
class RecordBytesTest {
    static Map<String, Object> expected(Map<String, Object> model, String account, String provider, String syncedAt,
                                        boolean checksum, long version) {
        Map<String, Object> record = new LinkedHashMap<>(model);
        record.put("_source_account", account);
        record.put("_source_provider", provider);
        record.put("_synced_at", syncedAt);
        if (checksum) {
            record.put("_checksum", Checksums.recordChecksum(model));
        }
        record.put("_version", version);
        return record;
    }

    @Test
    void splicedRecordEqualsCanonicalJsonOfTheWholeRecord() {
        List<Map<String, Object>> raws = List.of(
                Map.of("id", "f-1"),
                Map.of("id", "f/\u00e9\ud83d\ude00/x", "title", "caf\u00e9 \"quoted\" \\ \n", "severity", "HIGH",
                        "compliance_frameworks", List.of("CIS", "PCI"), "cvss_score", 9.75,
                        "last_seen", "2024-01-01T00:00:00Z"),
                Map.of("id", "f-3", "description", "x".repeat(3000), "first_seen", "2024-02-03"));
        for (boolean verify : new boolean[] {true, false}) {
            CentralRecordCodec codec = new CentralRecordCodec(
                    SyncConfig.builder("c").checksumVerify(verify).build().checksumVerify());
            for (RecordKind kind : RecordKind.values()) {
                RecordSource source = RecordSource.ofCollection(kind, raws, "acc\u00f6unt", "gcp");
                for (Map<String, Object> raw : raws) {
                    Map<String, Object> model = kind.normalise(raw);
                    byte[] spliced = codec.recordBytes(CentralRecordCodec.Content.of(model), source,
                            "2026-01-02T03:04:05.000001", 7);
                    byte[] whole = CanonicalJson.bytes(expected(model, "acc\u00f6unt", "gcp",
                            "2026-01-02T03:04:05.000001", verify, 7));
                    assertEquals(new String(whole, StandardCharsets.UTF_8), new String(spliced, StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void contentWithUnderscoreOrUpperCaseKeysTakesTheGeneralPath() {
        CentralRecordCodec codec = new CentralRecordCodec(SyncConfig.builder("c").build().checksumVerify());
        RecordSource source = RecordSource.ofCollection(RecordKind.FINDING, List.of(), "1", "aws");
        for (Map<String, Object> content : List.of(Map.<String, Object>of("id", "a", "Zeta", 1),
                Map.<String, Object>of("id", "a", "_private", true))) {
            CentralRecordCodec.Content c = CentralRecordCodec.Content.of(content);
            assertEquals(Checksums.recordChecksum(content), c.checksum());
            assertEquals(new String(CanonicalJson.bytes(expected(content, "1", "aws", "t", true, 1)), StandardCharsets.UTF_8),
                    new String(codec.recordBytes(c, source, "t", 1), StandardCharsets.UTF_8));
        }
    }
}
