package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.formats.ProducerRecords;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the scan files a source names: a snapshot folder holding {@code findings.jsonl}
 * and/or {@code assets.jsonl}, a single {@code .jsonl}/{@code .json} file, or a Stance scan
 * prefix whose {@code snapshots/manifest.json} names the latest snapshot. Works on any store,
 * so a local folder and {@code s3://spoke-bucket/stance} are found the same way.
 *
 * <p>A single file may also be another producer's ({@link Format}): Prowler's {@code *.ocsf.json}
 * and {@code *.asff.json} by their names, any other file but Stance's own {@code findings.jsonl}
 * and {@code assets.jsonl} by its first record, unless a format is forced. A producer file holds
 * both kinds, so it is located as two scan files of one key, one per kind pushed.
 */
public final class ScanLocator {
    private static final Pattern SCAN_FILE =
            Pattern.compile("(?:^|.*/)(findings|assets)/([^/]+)/(findings|assets)\\.jsonl");

    private ScanLocator() {
    }

    /**
     * One scan file: its kind, its key in the store, the name errors should cite, and its
     * metadata when the locator already asked the store for it (null otherwise), so that a push
     * needing the file's version token does not ask again.
     */
    public record ScanFile(RecordKind kind, String key, String displayName, ObjectMetadata metadata, Format format,
                           long manifestLines) {
        /** What a file's manifest entry does not say: how many lines it holds. */
        public static final long UNKNOWN = -1;

        /** A Stance scan file. */
        public ScanFile(RecordKind kind, String key, String displayName, ObjectMetadata metadata) {
            this(kind, key, displayName, metadata, null, UNKNOWN);
        }

        /** A file of {@code format}, whose manifest says nothing of its lines. */
        public ScanFile(RecordKind kind, String key, String displayName, ObjectMetadata metadata, Format format) {
            this(kind, key, displayName, metadata, format, UNKNOWN);
        }

        /** A Stance scan file whose manifest counts its lines. */
        public ScanFile(RecordKind kind, String key, String displayName, ObjectMetadata metadata, long manifestLines) {
            this(kind, key, displayName, metadata, null, manifestLines);
        }

        /** A Stance scan file whose metadata was not asked for. */
        public ScanFile(RecordKind kind, String key, String displayName) {
            this(kind, key, displayName, null);
        }

        /** Whether the file is another producer's (OCSF, ASFF): its records are mapped, not read as Stance lines. */
        public boolean producer() {
            return format != null && format != Format.STANCE;
        }
    }

    /**
     * The scan files of one producer file: one per kind, findings first (whose reading reports the
     * file's errors), or only {@code kind} when given.
     */
    public static List<ScanFile> producerFiles(String key, String displayName, ObjectMetadata metadata, Format format,
                                               RecordKind kind) {
        List<ScanFile> files = new ArrayList<>(2);
        for (RecordKind k : kind == null ? List.of(RecordKind.FINDING, RecordKind.ASSET) : List.of(kind)) {
            files.add(new ScanFile(k, key, displayName, metadata, format));
        }
        return files;
    }

    /**
     * The files an object-created event for {@code key} pushes: a scan's own file
     * ({@link #scanFileKind}), or a producer file by its name ({@code *.ocsf.json},
     * {@code *.asff.json}); none for every other key.
     *
     * @param format the format forced on every file; null to go by the name
     */
    public static List<ScanFile> objectFiles(String key, Format format) {
        Format named = Format.ofName(key.substring(key.lastIndexOf('/') + 1));
        Optional<RecordKind> kind = scanFileKind(key);
        if (named == null && kind.isEmpty()) {
            return List.of();
        }
        Format read = format != null ? format : named;
        if (read != null && read != Format.STANCE) {
            return producerFiles(key, key, null, read, null);
        }
        return kind.map(k -> List.of(new ScanFile(k, key, key, null, read))).orElse(List.of());
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

    /** Like {@link #locate(StorageAdapter, String, RecordKind)} with the kind taken from the names. */
    public static List<ScanFile> locate(StorageAdapter store, String prefix) {
        return locate(store, prefix, null);
    }

    /**
     * The kind a file name says without doubt: exactly {@code findings.jsonl} or
     * {@code assets.jsonl} ({@code .json} too), in any case. Any other name
     * ({@code gcp-assets-export.jsonl}, {@code asset.jsonl}) says nothing.
     */
    public static Optional<RecordKind> kindOfName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (RecordKind kind : RecordKind.values()) {
            if (lower.equals(kind.folder() + ".jsonl") || lower.equals(kind.folder() + ".json")) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * The scan files at {@code prefix} in {@code store} (prefix "" is the store's root), found
     * with metadata requests only: no scan file's content is read here.
     *
     * @param kind the kind of a single scan file whose name does not say it, or, for a folder or
     *             scan prefix, the only kind to push; null to go by the names alone
     * @throws IllegalArgumentException when nothing there looks like a scan, or when the kind of
     *                                  a single file is neither given nor unambiguous from its name
     */
    public static List<ScanFile> locate(StorageAdapter store, String prefix, RecordKind kind) {
        return locate(store, prefix, kind, null);
    }

    /**
     * As {@link #locate(StorageAdapter, String, RecordKind)}, with the format of a single file.
     *
     * @param format the format a single file is read as; null to go by its name, else its first
     *               record. The files of a snapshot folder or scan prefix are Stance's.
     */
    public static List<ScanFile> locate(StorageAdapter store, String prefix, RecordKind kind, Format format) {
        // The same retry policy as every other store call: the SDKs make one attempt each.
        Retry retry = Retry.defaults();
        String base = prefix == null ? "" : prefix;
        String lowerBase = base.toLowerCase(Locale.ROOT);
        if (lowerBase.endsWith(".jsonl") || lowerBase.endsWith(".json")) {
            Optional<ObjectMetadata> meta = retry.call(() -> store.getMetadata(base));
            if (meta.isEmpty()) {
                throw new IllegalArgumentException("no scan file at " + describe(store, base));
            }
            String name = base.substring(base.lastIndexOf('/') + 1);
            Format read = format != null ? format : Format.ofName(name);
            if (read == null && !isStanceScanName(name)) {
                read = firstRecordFormat(retry, store, base, name);
            }
            if (read != null && read != Format.STANCE) {
                return producerFiles(base, name, meta.get(), read, kind);
            }
            return List.of(new ScanFile(singleFileKind(name, kind), base, name, meta.get(), read));
        }
        List<RecordKind> kinds = kind == null ? List.of(RecordKind.values()) : List.of(kind);
        String dir = base.isEmpty() ? "" : base + "/";
        Optional<StoredObject> manifest = retry.call(() -> store.readRecord(dir + "snapshots/manifest.json"));
        if (manifest.isPresent()) {
            Map<?, ?> entry = latestEntry(manifest.get(), describe(store, dir + "snapshots/manifest.json"));
            String snapshot = (String) entry.get("id");
            List<ScanFile> files = new ArrayList<>();
            for (RecordKind k : kinds) {
                String rel = k.folder() + "/" + snapshot + "/" + k.folder() + ".jsonl";
                long lines = entry.get(k == RecordKind.FINDING ? "finding_count" : "asset_count") instanceof Number n
                        && n.longValue() >= 0 ? n.longValue() : ScanFile.UNKNOWN;
                retry.call(() -> store.getMetadata(dir + rel))
                        .ifPresent(meta -> files.add(new ScanFile(k, dir + rel, rel, meta, lines)));
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("latest snapshot '" + snapshot + "' in " + describe(store, dir)
                        + " has no " + names(kinds));
            }
            return files;
        }
        List<ScanFile> files = new ArrayList<>();
        for (RecordKind k : kinds) {
            String rel = k.folder() + ".jsonl";
            retry.call(() -> store.getMetadata(dir + rel)).ifPresent(meta -> files.add(new ScanFile(k, dir + rel, rel, meta)));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no scan found at " + describe(store, base) + ": expected "
                    + names(kinds) + ", a .jsonl/.json file, or a scan prefix with snapshots/manifest.json");
        }
        return files;
    }

    /** Exactly {@code findings.jsonl} or {@code assets.jsonl}: what a Stance scan writes, read without a look inside. */
    private static boolean isStanceScanName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("findings.jsonl") || lower.equals("assets.jsonl");
    }

    /** How many elements are looked at for a format before the file is taken for Stance's. */
    private static final int FORMAT_PROBE_ELEMENTS = 100;

    /**
     * The format of the file's first readable record: one read of the file's head (a JSON array
     * is streamed, so only its first element is parsed). A file without a readable record in its
     * first elements is taken for Stance's, whose reading then reports each bad line.
     */
    private static Format firstRecordFormat(Retry retry, StorageAdapter store, String key, String name) {
        try (InputStream in = retry.call(() -> store.openStream(key));
             ProducerRecords records = ProducerRecords.open(in, name, null, null, null)) {
            for (int i = 0; i < FORMAT_PROBE_ELEMENTS && records.hasNext(); i++) {
                records.next();
                if (records.format() != null) {
                    return records.format();
                }
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + describe(store, key) + ": " + e.getMessage(), e);
        }
    }

    private static RecordKind singleFileKind(String name, RecordKind given) {
        Optional<RecordKind> named = kindOfName(name);
        if (given == null) {
            return named.orElseThrow(() -> new IllegalArgumentException("cannot tell whether '" + name
                    + "' holds findings or assets: only the names findings.jsonl and assets.jsonl say it; "
                    + "give --kind findings|assets"));
        }
        if (named.isPresent() && named.get() != given) {
            throw new IllegalArgumentException("--kind " + given.folder() + " contradicts the file name '" + name + "'");
        }
        return given;
    }

    private static String names(List<RecordKind> kinds) {
        return kinds.size() == 1 ? kinds.get(0).folder() + ".jsonl" : "findings.jsonl and/or assets.jsonl";
    }

    /** Stance's manifest lists snapshots newest first: {@code {"snapshots": [{"id": …}, …]}}. */
    static String latestSnapshot(StoredObject manifest, String where) {
        return (String) latestEntry(manifest, where).get("id");
    }

    /** The manifest's entry of its latest snapshot, whose {@code id} is a safe folder name. */
    private static Map<?, ?> latestEntry(StoredObject manifest, String where) {
        Object parsed;
        try {
            parsed = JsonParser.parse(new String(manifest.content(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (parsed instanceof Map<?, ?> m && m.get("snapshots") instanceof List<?> list && !list.isEmpty()
                && list.get(0) instanceof Map<?, ?> first && first.get("id") instanceof String id && !id.isBlank()
                && !id.contains("/") && !id.equals("..") && !id.equals(".")) {
            return first;
        }
        throw new IllegalArgumentException(where + " lists no snapshot (expected {\"snapshots\": [{\"id\": ...}]})");
    }

    private static String describe(StorageAdapter store, String key) {
        String location = store.location();
        return location.endsWith("/") ? location + key : location + "/" + key;
    }
}
