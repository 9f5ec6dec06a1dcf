package com.mantissa.stance.sync.model;

import java.util.Map;

/** The two record types central holds, with the folder and path rule of each. */
public enum RecordKind {
    FINDING("finding", "findings"),
    ASSET("asset", "assets");

    private final String type;
    private final String folder;

    RecordKind(String type, String folder) {
        this.type = type;
        this.folder = folder;
    }

    /** {@code finding} / {@code asset}, as in {@code SyncRecord.record_type}. */
    public String type() {
        return type;
    }

    /** {@code findings} / {@code assets}: the folder under the central prefix and in a scan. */
    public String folder() {
        return folder;
    }

    /** Validates and normalises a raw record into the model's keys (defaults applied). */
    public Map<String, Object> normalise(Map<String, Object> raw) {
        return this == FINDING ? Finding.normalise(raw) : Asset.normalise(raw);
    }

    public String path(String centralPrefix, String accountId, String id) {
        return this == FINDING
                ? RecordPaths.findingPath(centralPrefix, accountId, id)
                : RecordPaths.assetPath(centralPrefix, accountId, id);
    }

    /** The kind whose central folder a key lies in, or null. */
    static RecordKind ofCentralKey(String centralPrefix, String key) {
        String base = centralPrefix.isEmpty() ? "" : centralPrefix + "/";
        for (RecordKind kind : values()) {
            if (key.startsWith(base + kind.folder + "/")) {
                return kind;
            }
        }
        return null;
    }
}
