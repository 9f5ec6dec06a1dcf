package com.mantissa.stance.sync.storage;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@link StorageAdapter#getMetadata} reports; generation is GCS-only (null elsewhere). */
public record ObjectMetadata(long size, Instant lastModified, String etag, Long generation) {

    /** The original's metadata dict keys. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size);
        m.put("last_modified", lastModified == null ? null : lastModified.toString());
        m.put("etag", etag);
        if (generation != null) {
            m.put("generation", generation);
        }
        return m;
    }
}
