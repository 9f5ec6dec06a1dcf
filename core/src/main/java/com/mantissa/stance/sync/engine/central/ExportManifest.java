package com.mantissa.stance.sync.engine.central;

import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Stance's {@code snapshots/manifest.json}: {@code {"snapshots": [{"id", "created_at",
 * "account_id", "asset_count", "finding_count"}, …]}}, newest first, with exactly those keys;
 * the digest that detects an unchanged central lives in the export's own state object. An
 * export's entries name the estate
 * ({@value #ESTATE_ACCOUNT}) as their account, since one snapshot spans every account; each
 * line names its own in {@code _source_account}.
 */
public final class ExportManifest {
    public static final String DIGEST = "content_digest";
    static final String ESTATE_ACCOUNT = "aggregate";
    /** Stance names a snapshot after the UTC time of its scan. */
    static final DateTimeFormatter SNAPSHOT_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private ExportManifest() {
    }

    /** The entries of a stored manifest, newest first; none when there is no manifest. */
    public static List<Map<String, Object>> entries(Optional<StoredObject> manifest, String where) {
        if (manifest.isEmpty()) {
            return List.of();
        }
        Object parsed;
        try {
            parsed = JsonParser.parse(new String(manifest.get().content(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("snapshots") instanceof List<?> list)) {
            throw new IllegalArgumentException(where + " is not a Stance manifest (expected {\"snapshots\": [...]})");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> m) {
                Map<String, Object> entry = new LinkedHashMap<>();
                m.forEach((k, v) -> entry.put(String.valueOf(k), v));
                entries.add(entry);
            }
        }
        return entries;
    }

    public static Map<String, Object> entry(String id, Instant createdAt, long assets, long findings) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("created_at", CREATED_AT.format(createdAt));
        entry.put("account_id", ESTATE_ACCOUNT);
        entry.put("asset_count", assets);
        entry.put("finding_count", findings);
        return entry;
    }

    /**
     * The records the newest snapshot of {@code entries} held (findings, and assets when
     * {@code withAssets}), or -1 when it does not say.
     */
    public static long lastRecords(List<Map<String, Object>> entries, boolean withAssets) {
        if (entries.isEmpty() || !(entries.get(0).get("finding_count") instanceof Number findings)) {
            return -1;
        }
        long records = findings.longValue();
        if (withAssets) {
            if (!(entries.get(0).get("asset_count") instanceof Number assets)) {
                return -1;
            }
            records += assets.longValue();
        }
        return records >= 0 ? records : -1;
    }

    /**
     * The id of a snapshot made at {@code at}: its UTC second, or the next free one when that is
     * taken or not after the newest of {@code taken} (two exports in one second, a clock behind).
     */
    static String nextId(Instant at, List<String> taken) {
        String id = SNAPSHOT_ID.format(at);
        while (taken.contains(id) || (!taken.isEmpty() && id.compareTo(taken.get(0)) <= 0
                && taken.get(0).matches("\\d{8}-\\d{6}"))) {
            at = at.plusSeconds(1);
            id = SNAPSHOT_ID.format(at);
        }
        return id;
    }

    public static List<String> ids(List<Map<String, Object>> entries) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            if (entry.get("id") instanceof String id) {
                ids.add(id);
            }
        }
        return ids;
    }

    public static byte[] bytes(List<Map<String, Object>> entries) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("snapshots", entries);
        return (CanonicalJson.writeUnsorted(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The export's state object; empty when there is none or it is not readable as one. */
    public static Map<String, Object> state(Optional<StoredObject> object) {
        if (object.isEmpty()) {
            return Map.of();
        }
        try {
            return JsonParser.parseObject(new String(object.get().content(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Map.of(); // an unreadable state only costs a new snapshot
        }
    }

    public static byte[] stateBytes(String snapshot, String digest) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("snapshot", snapshot);
        state.put(DIGEST, digest);
        return (CanonicalJson.writeUnsorted(state) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** One path segment that cannot escape the snapshot folder. */
    public static boolean safeId(String id) {
        return id != null && SAFE_ID.matcher(id).matches() && !id.equals("..");
    }
}
