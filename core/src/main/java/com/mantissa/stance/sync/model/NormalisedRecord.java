package com.mantissa.stance.sync.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scan record normalised into the original's model: a fixed set of keys in a fixed order,
 * immutable. What a finding and an asset have in common; each adds its own keys and accessors.
 */
public abstract sealed class NormalisedRecord permits Finding, Asset {
    private final Map<String, Object> fields;

    NormalisedRecord(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** A fresh mutable map with all the model's keys in the original's order. */
    public final Map<String, Object> toMap() {
        return new LinkedHashMap<>(fields);
    }

    public final String id() {
        return (String) fields.get("id");
    }

    /** Normalised last_seen, or null. */
    public final String lastSeen() {
        return (String) fields.get("last_seen");
    }

    public final Object get(String key) {
        return fields.get(key);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((NormalisedRecord) o).fields.equals(fields);
    }

    @Override
    public final int hashCode() {
        return fields.hashCode();
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + fields;
    }
}
