package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every datetime field of Finding and Asset against CPython 3.11: {@code model-timestamps.jsonl}
 * (gen_model_timestamps.py) holds values with what the original's from_dict makes of them, the
 * normalised text, null (only for null and ""), or a rejected record. A rejected value must be a
 * record error naming the field and the value, never a null that could replace a newer record.
 */
class ModelTimestampVectorsTest {

    private record Field(String kind, String name, Function<Map<String, Object>, Map<String, Object>> fromMap) {
    }

    private static final List<Field> FIELDS = List.of(
            new Field("finding", "first_seen", raw -> Finding.fromMap(raw).toMap()),
            new Field("finding", "last_seen", raw -> Finding.fromMap(raw).toMap()),
            new Field("asset", "created_at", raw -> Asset.fromMap(raw).toMap()),
            new Field("asset", "last_seen", raw -> Asset.fromMap(raw).toMap()));

    @Test
    void everyDatetimeFieldAcceptsAndRejectsWhatTheOriginalDoes() throws IOException {
        int accepted = 0;
        int rejected = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/python/model-timestamps.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Map<String, Object> row = JsonParser.parseObject(line);
                Object value = row.get("value");
                for (Field field : FIELDS) {
                    Map<String, Object> raw = new LinkedHashMap<>();
                    raw.put("id", "x");
                    raw.put(field.name(), value);
                    String where = field.kind() + " " + field.name() + " = " + CanonicalJson.write(value);
                    if (Boolean.TRUE.equals(row.get("error"))) {
                        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                                () -> field.fromMap().apply(raw), where);
                        assertTrue(e.getMessage().startsWith("invalid " + field.name() + " "), e.getMessage());
                        rejected++;
                    } else {
                        assertEquals(row.get("out"), field.fromMap().apply(raw).get(field.name()), where);
                        accepted++;
                    }
                }
            }
        }
        assertTrue(accepted > 400 && rejected > 4000, accepted + " accepted, " + rejected + " rejected");
    }

    @Test
    void theCasesFromTheFieldAreRejected() {
        for (Object value : List.of("2026-01-01T24:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-01-01T00:00:00+24:00", "garbage", 0L, 17L, 1.5, true, false)) {
            for (Field field : FIELDS) {
                Map<String, Object> raw = new LinkedHashMap<>();
                raw.put("id", "x");
                raw.put(field.name(), value);
                InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> field.fromMap().apply(raw));
                String shown = value instanceof String s ? "'" + s + "'" : CanonicalJson.write(value);
                assertTrue(e.getMessage().startsWith("invalid " + field.name() + " " + shown + ": "), e.getMessage());
            }
        }
    }
}
