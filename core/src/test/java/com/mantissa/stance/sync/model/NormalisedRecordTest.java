package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a finding and an asset share: value equality within one kind, a fresh map each time, the accessors. */
class NormalisedRecordTest {

    @Test
    void equalWhenTheSameKindHasTheSameFields() {
        String raw = "{\"id\": \"x\", \"last_seen\": \"2026-01-02T03:04:05\"}";
        Finding finding = Finding.fromMap(JsonParser.parseObject(raw));
        assertEquals(finding, Finding.fromMap(JsonParser.parseObject(raw)));
        assertEquals(finding.hashCode(), Finding.fromMap(JsonParser.parseObject(raw)).hashCode());
        assertNotEquals(finding, Finding.fromMap(JsonParser.parseObject("{\"id\": \"y\"}")));
        NormalisedRecord asset = Asset.fromMap(JsonParser.parseObject(raw));
        assertNotEquals(finding, asset);
        assertNotEquals(asset, finding);
        assertNotEquals(finding, null);
    }

    @Test
    void sharedAccessorsAndAFreshMapEachTime() {
        Asset asset = Asset.fromMap(JsonParser.parseObject("{\"id\": \"a\", \"last_seen\": \"2026-01-02T03:04:05Z\"}"));
        assertEquals("a", asset.id());
        assertEquals("2026-01-02T03:04:05+00:00", asset.lastSeen());
        assertEquals("a", asset.get("id"));
        Map<String, Object> first = asset.toMap();
        first.put("id", "changed");
        assertNotSame(first, asset.toMap());
        assertEquals("a", asset.toMap().get("id"));
        assertTrue(asset.toString().startsWith("Asset{id=a, "), asset.toString());
        assertTrue(Finding.fromMap(JsonParser.parseObject("{\"id\": \"f\"}")).toString().startsWith("Finding{id=f, "));
    }
}
