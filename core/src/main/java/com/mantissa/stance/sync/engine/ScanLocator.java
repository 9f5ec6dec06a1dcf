package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the scan files a source names: a snapshot folder holding {@code findings.jsonl}
 * and/or {@code assets.jsonl}, a single {@code .jsonl}/{@code .json} file, or a Stance scan
 * prefix whose {@code snapshots/manifest.json} names the latest snapshot. Works on any store,
 * so a local folder and {@code s3://spoke-bucket/stance} are found the same way.
 */
public final class ScanLocator {
    private static final Pattern SCAN_FILE =
            Pattern.compile("(?:^|.*/)(findings|assets)/([^/]+)/(findings|assets)\\.jsonl");

    private ScanLocator() {
    }

    /** One scan file: its kind, its key in the store and the name errors should cite. */
    public record ScanFile(RecordKind kind, String key, String displayName) {
    }

    /**
     * The kind of a key that a scan writes ({@code …/findings/<snapshot>/findings.jsonl},
     * {@code …/assets/<snapshot>/assets.jsonl}); empty for every other key.
     */
    public static Optional<RecordKind> scanFileKind(String key) {
        Matcher m = SCAN_FILE.matcher(key);
        if (!m.matches() || !m.group(1).equals(m.group(3))) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).equals("findings") ? RecordKind.FINDING : RecordKind.ASSET);
    }

    /**
     * The scan files at {@code prefix} in {@code store} (prefix "" is the store's root).
     *
     * @throws IllegalArgumentException when nothing there looks like a scan
     */
    public static List<ScanFile> locate(StorageAdapter store, String prefix) {
        String base = prefix == null ? "" : prefix;
        if (base.endsWith(".jsonl") || base.endsWith(".json")) {
            if (store.getMetadata(base).isEmpty()) {
                throw new IllegalArgumentException("no scan file at " + describe(store, base));
            }
            String name = base.substring(base.lastIndexOf('/') + 1);
            RecordKind kind = scanFileKind(base).orElse(name.startsWith("asset") ? RecordKind.ASSET : RecordKind.FINDING);
            return List.of(new ScanFile(kind, base, name));
        }
        String dir = base.isEmpty() ? "" : base + "/";
        Optional<StoredObject> manifest = store.readRecord(dir + "snapshots/manifest.json");
        if (manifest.isPresent()) {
            String snapshot = latestSnapshot(manifest.get(), describe(store, dir + "snapshots/manifest.json"));
            List<ScanFile> files = new ArrayList<>();
            for (RecordKind kind : RecordKind.values()) {
                String rel = kind.folder() + "/" + snapshot + "/" + kind.folder() + ".jsonl";
                if (store.getMetadata(dir + rel).isPresent()) {
                    files.add(new ScanFile(kind, dir + rel, rel));
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("latest snapshot '" + snapshot + "' in " + describe(store, dir)
                        + " has neither findings.jsonl nor assets.jsonl");
            }
            return files;
        }
        List<ScanFile> files = new ArrayList<>();
        for (RecordKind kind : RecordKind.values()) {
            String rel = kind.folder() + ".jsonl";
            if (store.getMetadata(dir + rel).isPresent()) {
                files.add(new ScanFile(kind, dir + rel, rel));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no scan found at " + describe(store, base) + ": expected findings.jsonl "
                    + "and/or assets.jsonl, a .jsonl/.json file, or a scan prefix with snapshots/manifest.json");
        }
        return files;
    }

    /** Stance's manifest lists snapshots newest first: {@code {"snapshots": [{"id": …}, …]}}. */
    static String latestSnapshot(StoredObject manifest, String where) {
        Object parsed;
        try {
            parsed = JsonParser.parse(new String(manifest.content(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (parsed instanceof Map<?, ?> m && m.get("snapshots") instanceof List<?> list && !list.isEmpty()
                && list.get(0) instanceof Map<?, ?> first && first.get("id") instanceof String id && !id.isBlank()
                && !id.contains("/") && !id.equals("..") && !id.equals(".")) {
            return id;
        }
        throw new IllegalArgumentException(where + " lists no snapshot (expected {\"snapshots\": [{\"id\": ...}]})");
    }

    private static String describe(StorageAdapter store, String key) {
        String location = store.location();
        return location.endsWith("/") ? location + key : location + "/" + key;
    }
}
