package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mantissa.stance.sync.wire.JsonParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssetTest {

    @Test
    void missingKeysTakeTheOriginalsDefaultsInKeyOrder() {
        Map<String, Object> m = Asset.fromMap(JsonParser.parseObject("{\"id\": \"a\", \"unknown\": 1}")).toMap();
        assertEquals(Asset.KEYS, new ArrayList<>(m.keySet()));
        assertEquals("aws", m.get("cloud_provider"));
        assertEquals("", m.get("account_id"));
        assertEquals("", m.get("region"));
        assertEquals("", m.get("resource_type"));
        assertEquals("", m.get("name"));
        assertEquals(Map.of(), m.get("tags"));
        assertEquals("internal", m.get("network_exposure"));
        assertNull(m.get("created_at"));
        assertNull(m.get("last_seen"));
        assertEquals(Map.of(), m.get("raw_config"));
    }

    @Test
    void rawConfigAndFreeTextFieldsPassThrough() {
        Asset a = Asset.fromMap(JsonParser.parseObject("{\"id\": \"/subscriptions/x\", \"network_exposure\": \"weird\", "
                + "\"raw_config\": {\"size\": 9223372036854775808, \"f\": 7.5}, \"created_at\": \"2024-06-01\", "
                + "\"last_seen\": \"2024-01-15T00:00:00.5+00:00\"}"));
        Map<String, Object> m = a.toMap();
        assertEquals("weird", m.get("network_exposure"));
        assertEquals(Map.of("size", new BigInteger("9223372036854775808"), "f", 7.5), m.get("raw_config"));
        assertEquals("2024-06-01T00:00:00", a.createdAt());
        assertEquals("2024-01-15T00:00:00.500000+00:00", a.lastSeen());
        assertEquals("/subscriptions/x", a.id());
    }

    @Test
    void normaliseGivesWhatFromMapAndToMapGiveAndANullTagsOrConfigStaysNull() {
        String raw = "{\"id\": \"a\", \"tags\": {\"env\": \"prod\"}, \"created_at\": \"2024-06-01\"}";
        assertEquals(Asset.fromMap(JsonParser.parseObject(raw)).toMap(), Asset.normalise(JsonParser.parseObject(raw)));
        Map<String, Object> nulls = Asset.normalise(JsonParser.parseObject("{\"id\": \"a\", \"tags\": null, "
                + "\"raw_config\": null}"));
        assertNull(nulls.get("tags"));
        assertNull(nulls.get("raw_config"));
        assertEquals(Asset.KEYS, new ArrayList<>(nulls.keySet()));
    }

    @Test
    void idIsRequired() {
        assertEquals("asset has no id", assertThrows(InvalidRecordException.class,
                () -> Asset.fromMap(JsonParser.parseObject("{\"name\": \"n\"}"))).getMessage());
        assertThrows(InvalidRecordException.class, () -> Asset.fromMap(JsonParser.parseObject("{\"id\": [1]}")));
    }
}
