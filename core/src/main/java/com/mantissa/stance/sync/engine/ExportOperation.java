package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.central.ExportManifest;
import com.mantissa.stance.sync.engine.central.ExportTarget;
import com.mantissa.stance.sync.engine.exec.OrderedReads;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.push.CentralKeys;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncProgress;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes central as one Stance scan, so that Stance's own readers and its Athena/BigQuery
 * tables read the whole estate: {@code {target}/findings/{snapshot}/findings.jsonl},
 * {@code {target}/assets/{snapshot}/assets.jsonl} and {@code {target}/snapshots/manifest.json}
 * (newest first, with counts).
 *
 * <p>Records are read a window at a time and appended to temporary files, which are then
 * uploaded with the store's streaming upload; memory is bounded by the window and one page of
 * keys ({@link CentralKeys}), not by central. Each line is the central record as stored, so it
 * keeps {@code _source_account}, {@code _source_provider} and {@code _checksum}. A record
 * whose {@code _checksum} does not match its content is reported and left out.
 *
 * <p>{@code _state/export.json} in the target records {@code content_digest}, the SHA-256 of
 * everything exported, with the id of the snapshot it describes; an export whose digest equals
 * that of the manifest's newest snapshot, with every snapshot the manifest names in place, writes
 * nothing. Otherwise it adds a new snapshot and drops all but the newest {@code keep}, and those
 * whose files are gone, deleting their folders. The target is {@link ExportTarget}'s: only
 * snapshots export wrote, one export per snapshot id, and a losing concurrent export removes
 * what it wrote and says so.
 */
public final class ExportOperation {
    static final int MAX_LISTED_ERRORS = 10_000;

    private final CountingStore central;
    private final String centralPrefix;
    private final CountingStore target;
    private final StoreCalls calls;
    private final ExportTarget snapshots;
    private String snapshotId;
    private int keep = 3;
    private boolean checksumVerify = true;
    private boolean includeAssets = true;
    private int concurrency = 16;
    private int window = 1000;
    private Clock clock = Clock.systemUTC();
    private SyncProgress progress = SyncProgress.NONE;

    public ExportOperation(StorageAdapter central, String centralPrefix, StorageAdapter target, String targetPrefix) {
        this.central = new CountingStore(Objects.requireNonNull(central, "central"));
        this.calls = new StoreCalls(this.central, "export");
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        this.target = new CountingStore(Objects.requireNonNull(target, "target"));
        this.snapshots = new ExportTarget(this.target, targetPrefix == null || targetPrefix.isEmpty() ? ""
                : targetPrefix + "/", Retry.defaults());
    }

    /** The snapshot id to write; by default the UTC time of the export, as Stance names scans. */
    public ExportOperation snapshot(String id) {
        if (id != null) {
            validateSnapshotId(id);
        }
        this.snapshotId = id;
        return this;
    }

    /** Snapshots kept in the target, the new one included (at least 1). */
    public ExportOperation keep(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        this.keep = keep;
        return this;
    }

    public ExportOperation checksumVerify(boolean verify) {
        this.checksumVerify = verify;
        return this;
    }

    public ExportOperation includeAssets(boolean include) {
        this.includeAssets = include;
        return this;
    }

    /** Parallel reads of central, and how many records are held at once. */
    public ExportOperation concurrency(int threads, int window) {
        this.concurrency = Math.max(1, threads);
        this.window = Math.max(1, window);
        return this;
    }

    public ExportOperation clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** Told the records exported so far after every window of reads; the total is not known. */
    public ExportOperation progress(SyncProgress progress) {
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /** The key of the target's manifest. */
    public String manifestKey() {
        return snapshots.manifestKey();
    }

    /** The key of the export's own state in the target (the newest snapshot's id and content digest). */
    public String stateKey() {
        return snapshots.stateKey();
    }

    /** The key of a snapshot's file of {@code kind} in the target. */
    public String fileKey(RecordKind kind, String snapshot) {
        return snapshots.fileKey(kind, snapshot);
    }

    public ExportResult run() {
        long started = System.nanoTime();
        RequestCounts requestsBefore = requests();
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        Map<RecordKind, Path> files = new EnumMap<>(RecordKind.class);
        Map<RecordKind, Long> counts = new EnumMap<>(RecordKind.class);
        String id = null;
        boolean named = false;
        try {
            Optional<StoredObject> manifestObject = snapshots.read(manifestKey());
            String manifestWhere = snapshots.where(manifestKey());
            List<Map<String, Object>> entries = ExportManifest.entries(manifestObject, manifestWhere);
            snapshots.refuseForeignOrTaken(entries, snapshotId);
            long expected = ExportManifest.lastRecords(entries, includeAssets);
            if (expected > 0) {
                progress.recordsExpectedAbout(expected);
            }
            MessageDigest digest = sha256();
            CentralKeys keys = new CentralKeys(central, centralPrefix, calls.retry());
            try (OrderedReads reads = new OrderedReads(concurrency, window)) {
                for (RecordKind kind : RecordKind.values()) {
                    Path file = Files.createTempFile("stance-export-" + kind.folder() + "-", ".jsonl");
                    files.put(kind, file);
                    digest.update((kind.folder() + "\n").getBytes(StandardCharsets.US_ASCII));
                    long count = 0;
                    if (kind == RecordKind.FINDING || includeAssets) {
                        long before = counts.values().stream().mapToLong(Long::longValue).sum();
                        count = exportKind(kind, keys, reads, file, digest, errors, before);
                    }
                    counts.put(kind, count);
                }
            }
            String contentDigest = HexFormat.of().formatHex(digest.digest());
            Map<String, Object> state = ExportManifest.state(snapshots.read(stateKey()));
            boolean sameContent = !entries.isEmpty() && contentDigest.equals(state.get(ExportManifest.DIGEST))
                    && Objects.equals(entries.get(0).get("id"), state.get("snapshot"));
            // Snapshots the manifest names whose files are gone (or, for the newest of the same content, cut).
            List<String> broken = snapshots.brokenSnapshots(entries, sameContent ? files : Map.of());
            if (sameContent && broken.isEmpty()) {
                return new ExportResult(String.valueOf(entries.get(0).get("id")), counts.get(RecordKind.FINDING),
                        counts.get(RecordKind.ASSET), false, List.of(), errors, seconds(started),
                        requests().minus(requestsBefore));
            }
            id = snapshots.claim(snapshotId, now, ExportManifest.ids(entries), clock.instant().toString());
            for (RecordKind kind : RecordKind.values()) {
                snapshots.upload(fileKey(kind, id), files.get(kind));
            }
            Map<String, Object> entry = ExportManifest.entry(id, now, counts.get(RecordKind.ASSET),
                    counts.get(RecordKind.FINDING));
            List<Map<String, Object>> kept = new ArrayList<>();
            kept.add(entry);
            List<String> dropped = new ArrayList<>(broken);
            for (Map<String, Object> old : entries) {
                if (!(old.get("id") instanceof String oldId) || broken.contains(oldId)) {
                    continue;
                }
                if (kept.size() < keep) {
                    kept.add(old);
                } else {
                    dropped.add(oldId);
                }
            }
            named = snapshots.writeManifest(manifestObject, kept);
            if (!named) {
                deleteUnnamed(id);
                snapshots.release(id);
                errors.add(0, "another export changed " + manifestWhere + " meanwhile; this export's snapshot " + id
                        + " was removed; run the export again");
                id = null;
                return new ExportResult(null, counts.get(RecordKind.FINDING), counts.get(RecordKind.ASSET), false,
                        List.of(), errors, seconds(started), requests().minus(requestsBefore));
            }
            byte[] stateBytes = ExportManifest.stateBytes(id, contentDigest);
            snapshots.write(stateKey(), stateBytes);
            for (String old : dropped) {
                snapshots.deleteSnapshot(old);
            }
            snapshots.release(id);
            String written = id;
            id = null;
            return new ExportResult(written, counts.get(RecordKind.FINDING), counts.get(RecordKind.ASSET), true, dropped,
                    errors, seconds(started), requests().minus(requestsBefore));
        } catch (IOException e) {
            throw new UncheckedIOException("export: cannot use a temporary file: " + e.getMessage(), e);
        } finally {
            if (id != null) {
                if (!named) {
                    deleteUnnamed(id);
                }
                snapshots.release(id);
            }
            for (Path file : files.values()) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A temporary file left behind is the system's to clean.
                }
            }
        }
    }

    /** Removes what this export wrote of a snapshot no manifest names: left behind, no --keep would remove it. */
    private void deleteUnnamed(String id) {
        try {
            snapshots.deleteSnapshot(id);
        } catch (RuntimeException leftBehind) {
            // The export already fails; the error it reports is the first one.
        }
    }

    /** @param before records the kinds exported before this one held, for progress */
    private long exportKind(RecordKind kind, CentralKeys keys, OrderedReads reads, Path file, MessageDigest digest,
                            List<String> errors, long before) throws IOException {
        long[] count = {0};
        String folder = keys.folder(kind);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            keys.forEachPage(kind, null, page -> reads.run(page, key -> line(folder, key), line -> {
                if (line.error() != null) {
                    if (errors.size() < MAX_LISTED_ERRORS) {
                        errors.add(line.error());
                    }
                    return;
                }
                if (line.bytes() == null) {
                    return;
                }
                try {
                    out.write(line.bytes());
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                digest.update(line.bytes());
                digest.update((byte) '\n');
                long exported = before + ++count[0];
                if (exported % window == 0) {
                    progress.recordsDone(exported, -1);
                }
            }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (count[0] > 0 && (before + count[0]) % window != 0) {
            progress.recordsDone(before + count[0], -1);
        }
        return count[0];
    }

    /** One exported line: the record's bytes, or why it is not exported; neither when it vanished. */
    private record Line(byte[] bytes, String error) {
    }

    private Line line(String folder, String key) {
        Optional<StoredObject> object;
        try {
            object = call(() -> central.readRecord(key), key);
        } catch (StorageException e) {
            return new Line(null, "read of " + key + " failed: " + e.getMessage() + "; not exported");
        }
        if (object.isEmpty()) {
            return new Line(null, null); // deleted between listing and reading
        }
        byte[] bytes = object.get().content();
        Map<String, Object> record;
        try {
            record = JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new Line(null, key + ": not a JSON object (" + e.getMessage() + "); not exported");
        }
        Object stored = record.get("_checksum");
        if (checksumVerify && stored instanceof String s && !s.isEmpty()
                && !s.equals(Checksums.recordChecksum(record))) {
            return new Line(null, "Checksum mismatch for " + key + "; not exported");
        }
        boolean rewrite = false;
        if (!(record.get("_source_account") instanceof String)) {
            record.put("_source_account", CentralKeys.accountOf(folder, key));
            rewrite = true;
        }
        for (byte b : bytes) {
            if (b == '\n' || b == '\r') {
                rewrite = true;
                break;
            }
        }
        return new Line(rewrite ? CanonicalJson.bytes(record) : bytes, null);
    }

    /** Requests made so far of central and the target together. */
    private RequestCounts requests() {
        return central.counts().plus(target.counts());
    }

    private <T> T call(java.util.function.Supplier<T> call, String what) {
        return calls.call(call, what);
    }

    static void validateSnapshotId(String id) {
        if (!ExportManifest.safeId(id)) {
            throw new IllegalArgumentException("snapshot id '" + id + "' must be one path segment of letters, digits,"
                    + " '-', '_' or '.'");
        }
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
