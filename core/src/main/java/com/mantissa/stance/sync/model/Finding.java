package com.mantissa.stance.sync.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A security finding as the original's {@code Finding.from_dict(...).to_dict()} produces it:
 * always the same 20 keys in the same order. Values other than the enums and timestamps are
 * passed through as given (no coercion), missing keys take the original's defaults.
 */
public final class Finding extends NormalisedRecord {
    public static final List<String> KEYS = List.of("id", "asset_id", "finding_type", "severity", "status",
            "title", "description", "first_seen", "last_seen", "rule_id", "resource_path", "expected_value",
            "actual_value", "cve_id", "cvss_score", "package_name", "installed_version", "fixed_version",
            "compliance_frameworks", "remediation_guidance");

    public static final List<String> FINDING_TYPES = List.of("misconfiguration", "vulnerability");
    public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");
    public static final List<String> STATUSES = List.of("open", "resolved", "suppressed", "false_positive");

    private Finding(Map<String, Object> fields) {
        super(fields);
    }

    /**
     * Validates and normalises one scan record. Unknown keys are dropped; an invalid
     * finding_type (exact match), severity or status (case-insensitive) or a missing id is an
     * {@link InvalidRecordException}, and so is a first_seen/last_seen that the original's
     * {@code datetime.fromisoformat} refuses (null and "" stay null).
     */
    public static Finding fromMap(Map<String, Object> raw) {
        return new Finding(Collections.unmodifiableMap(normalise(raw)));
    }

    /**
     * {@code fromMap(raw).toMap()} without the copy: the fresh mutable map of all 20 keys in the
     * original's order, for callers that need only the map (the push normalises every record).
     */
    public static Map<String, Object> normalise(Map<String, Object> raw) {
        String id = RecordFields.requireId(raw, "finding");
        Map<String, Object> f = new LinkedHashMap<>(32); // its 20 keys without a rehash
        f.put("id", id);
        f.put("asset_id", RecordFields.getOrDefault(raw, "asset_id", ""));
        f.put("finding_type", RecordFields.enumValue(raw, "finding_type", "misconfiguration", false, FINDING_TYPES));
        f.put("severity", RecordFields.enumValue(raw, "severity", "medium", true, SEVERITIES));
        f.put("status", RecordFields.enumValue(raw, "status", "open", true, STATUSES));
        f.put("title", RecordFields.getOrDefault(raw, "title", ""));
        f.put("description", RecordFields.getOrDefault(raw, "description", ""));
        f.put("first_seen", RecordFields.timestamp(raw, "first_seen"));
        f.put("last_seen", RecordFields.timestamp(raw, "last_seen"));
        for (String key : KEYS.subList(9, 18)) {
            f.put(key, raw.get(key));
        }
        f.put("compliance_frameworks", RecordFields.getOrEmptyList(raw, "compliance_frameworks"));
        f.put("remediation_guidance", RecordFields.getOrDefault(raw, "remediation_guidance", ""));
        return f;
    }

    public String firstSeen() {
        return (String) get("first_seen");
    }

    public String severity() {
        return (String) get("severity");
    }

    public String status() {
        return (String) get("status");
    }

    public String findingType() {
        return (String) get("finding_type");
    }
}
