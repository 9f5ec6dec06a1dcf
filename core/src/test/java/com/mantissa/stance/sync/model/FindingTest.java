package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingTest {

    private static Map<String, Object> json(String text) {
        return JsonParser.parseObject(text);
    }

    @Test
    void missingKeysTakeTheOriginalsDefaultsInKeyOrder() {
        Map<String, Object> m = Finding.fromMap(json("{\"id\": \"f1\", \"extra\": 1}")).toMap();
        assertEquals(Finding.KEYS, new ArrayList<>(m.keySet()));
        assertEquals("misconfiguration", m.get("finding_type"));
        assertEquals("medium", m.get("severity"));
        assertEquals("open", m.get("status"));
        assertEquals("", m.get("asset_id"));
        assertEquals("", m.get("title"));
        assertEquals("", m.get("description"));
        assertEquals("", m.get("remediation_guidance"));
        assertEquals(List.of(), m.get("compliance_frameworks"));
        for (String k : List.of("first_seen", "last_seen", "rule_id", "resource_path", "expected_value",
                "actual_value", "cve_id", "cvss_score", "package_name", "installed_version", "fixed_version")) {
            assertNull(m.get(k), k);
        }
    }

    @Test
    void severityAndStatusAreCaseInsensitiveAndLowerCasedFindingTypeIsExact() {
        Finding f = Finding.fromMap(json("{\"id\": \"f\", \"severity\": \"HIGH\", \"status\": \"False_Positive\", "
                + "\"finding_type\": \"vulnerability\"}"));
        assertEquals("high", f.severity());
        assertEquals("false_positive", f.status());
        assertEquals("vulnerability", f.findingType());
        assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"finding_type\": \"Vulnerability\"}")));
    }

    @Test
    void invalidEnumValuesAreRecordErrors() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"severity\": \"urgent\"}")));
        assertEquals("invalid severity 'urgent': expected one of [critical, high, medium, low, info]", e.getMessage());
        assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": \"f\", \"status\": \"closed\"}")));
        assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": \"f\", \"finding_type\": \"bug\"}")));
    }

    @Test
    void explicitNullOrNonStringEnumIsRejectedAsTheOriginalFailsOnIt() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"severity\": null}")));
        assertEquals("invalid severity null: expected one of [critical, high, medium, low, info]", e.getMessage());
        assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": \"f\", \"status\": 1}")));
    }

    @Test
    void idIsRequiredAndMustBeANonEmptyString() {
        assertEquals("finding has no id",
                assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"title\": \"t\"}"))).getMessage());
        assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": null}")));
        assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": \"\"}")));
        assertEquals("finding id must be a string, got 42",
                assertThrows(InvalidRecordException.class, () -> Finding.fromMap(json("{\"id\": 42}"))).getMessage());
    }

    @Test
    void valuesPassThroughUncoercedIncludingExplicitNullsAndOtherTypes() {
        Map<String, Object> m = Finding.fromMap(json("{\"id\": \"f\", \"title\": 5, \"asset_id\": null, "
                + "\"cvss_score\": 10, \"actual_value\": false, \"compliance_frameworks\": null, "
                + "\"remediation_guidance\": [\"a\"]}")).toMap();
        assertEquals(5L, m.get("title"));
        assertNull(m.get("asset_id"));
        assertEquals(10L, m.get("cvss_score"));
        assertEquals(false, m.get("actual_value"));
        assertNull(m.get("compliance_frameworks"));
        assertEquals(List.of("a"), m.get("remediation_guidance"));
        assertEquals(10.0, Finding.fromMap(json("{\"id\": \"f\", \"cvss_score\": 10.0}")).toMap().get("cvss_score"));
    }

    @Test
    void timestampsAreNormalisedAndEmptyOrNullStayNull() {
        Finding f = Finding.fromMap(json("{\"id\": \"f\", \"first_seen\": \"2024-06-01\", "
                + "\"last_seen\": \"2024-01-15T10:30:00Z\"}"));
        assertEquals("2024-06-01T00:00:00", f.firstSeen());
        assertEquals("2024-01-15T10:30:00+00:00", f.lastSeen());
        assertNull(Finding.fromMap(json("{\"id\": \"f\", \"last_seen\": \"\"}")).lastSeen());
        assertNull(Finding.fromMap(json("{\"id\": \"f\", \"first_seen\": null}")).firstSeen());
    }

    @Test
    void unparsableTimestampIsARecordErrorNamingFieldAndValue() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"first_seen\": \"2026-02-30T00:00:00Z\"}")));
        assertTrue(e.getMessage().startsWith("invalid first_seen '2026-02-30T00:00:00Z': "), e.getMessage());
        e = assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"last_seen\": 17}")));
        assertTrue(e.getMessage().startsWith("invalid last_seen 17: "), e.getMessage());
        e = assertThrows(InvalidRecordException.class,
                () -> Finding.fromMap(json("{\"id\": \"f\", \"last_seen\": true}")));
        assertTrue(e.getMessage().startsWith("invalid last_seen true: "), e.getMessage());
    }

    @Test
    void normaliseGivesWhatFromMapAndToMapGiveAsAFreshMapEachTime() {
        for (String raw : List.of("{\"id\": \"f\"}",
                "{\"id\": \"f\", \"asset_id\": null, \"compliance_frameworks\": null, \"title\": null}",
                "{\"title\": \"t\", \"id\": \"f\", \"severity\": \"HIGH\", \"last_seen\": \"2024-11-01T08:00:00Z\", "
                        + "\"compliance_frameworks\": [\"SOC2\"], \"unknown\": 1}")) {
            Map<String, Object> normalised = Finding.normalise(json(raw));
            assertEquals(Finding.fromMap(json(raw)).toMap(), normalised, raw);
            assertEquals(Finding.KEYS, new ArrayList<>(normalised.keySet()), raw);
        }
        // A key given as null stays null; only a missing key takes the default, a fresh one each time.
        assertNull(Finding.normalise(json("{\"id\": \"f\", \"compliance_frameworks\": null}"))
                .get("compliance_frameworks"));
        Map<String, Object> first = Finding.normalise(json("{\"id\": \"f\"}"));
        @SuppressWarnings("unchecked")
        List<Object> frameworks = (List<Object>) first.get("compliance_frameworks");
        frameworks.add("changed");
        first.put("_checksum", "x");
        Map<String, Object> second = Finding.normalise(json("{\"id\": \"f\"}"));
        assertEquals(List.of(), second.get("compliance_frameworks"));
        assertEquals(20, second.size());
        assertThrows(InvalidRecordException.class, () -> Finding.normalise(json("{\"id\": null}")));
    }

    @Test
    void toMapIsAFreshMutableCopy() {
        Finding f = Finding.fromMap(json("{\"id\": \"f\"}"));
        Map<String, Object> m = f.toMap();
        m.put("_checksum", "x");
        assertEquals(20, f.toMap().size());
        assertEquals(f, Finding.fromMap(new HashMap<>(json("{\"id\": \"f\"}"))));
    }
}
