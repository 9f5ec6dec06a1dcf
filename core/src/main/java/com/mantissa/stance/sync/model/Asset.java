package com.mantissa.stance.sync.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cloud resource as the original's {@code Asset.from_dict(...).to_dict()} produces it: always
 * the same 11 keys in the same order, values passed through as given, missing keys defaulted.
 */
public final class Asset extends NormalisedRecord {
    public static final List<String> KEYS = List.of("id", "cloud_provider", "account_id", "region",
            "resource_type", "name", "tags", "network_exposure", "created_at", "last_seen", "raw_config");

    private Asset(Map<String, Object> fields) {
        super(fields);
    }

    /**
     * A missing or non-string id, or a created_at/last_seen that the original's
     * {@code datetime.fromisoformat} refuses, is an {@link InvalidRecordException} (null and ""
     * stay null); network_exposure is free text, as in the original.
     */
    public static Asset fromMap(Map<String, Object> raw) {
        return new Asset(Collections.unmodifiableMap(normalise(raw)));
    }

    /** {@code fromMap(raw).toMap()} without the copy: the fresh mutable map of all 11 keys in order. */
    public static Map<String, Object> normalise(Map<String, Object> raw) {
        String id = RecordFields.requireId(raw, "asset");
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("cloud_provider", RecordFields.getOrDefault(raw, "cloud_provider", "aws"));
        f.put("account_id", RecordFields.getOrDefault(raw, "account_id", ""));
        f.put("region", RecordFields.getOrDefault(raw, "region", ""));
        f.put("resource_type", RecordFields.getOrDefault(raw, "resource_type", ""));
        f.put("name", RecordFields.getOrDefault(raw, "name", ""));
        f.put("tags", RecordFields.getOrEmptyMap(raw, "tags"));
        f.put("network_exposure", RecordFields.getOrDefault(raw, "network_exposure", "internal"));
        f.put("created_at", RecordFields.timestamp(raw, "created_at"));
        f.put("last_seen", RecordFields.timestamp(raw, "last_seen"));
        f.put("raw_config", RecordFields.getOrEmptyMap(raw, "raw_config"));
        return f;
    }

    public String createdAt() {
        return (String) get("created_at");
    }
}
