package com.mantissa.stance.sync.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cloud resource as the original's {@code Asset.from_dict(...).to_dict()} produces it: always
 * the same 11 keys in the same order, values passed through as given, missing keys defaulted.
 */
public final class Asset {
    public static final List<String> KEYS = List.of("id", "cloud_provider", "account_id", "region",
            "resource_type", "name", "tags", "network_exposure", "created_at", "last_seen", "raw_config");

    private final Map<String, Object> fields;

    private Asset(Map<String, Object> fields) {
        this.fields = fields;
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

    /** A fresh mutable map with all 11 keys in the original's order. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(fields);
    }

    public String id() {
        return (String) fields.get("id");
    }

    /** Normalised last_seen, or null. */
    public String lastSeen() {
        return (String) fields.get("last_seen");
    }

    public String createdAt() {
        return (String) fields.get("created_at");
    }

    public Object get(String key) {
        return fields.get(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Asset && ((Asset) o).fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "Asset" + fields;
    }
}
