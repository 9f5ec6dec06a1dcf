package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.formats.ProducerRecord;
import com.mantissa.stance.sync.formats.ProducerRecords;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one account's snapshot holds, read in one streaming pass over its scan files before a
 * push that resolves what the snapshot lacks: the central paths of its records (as 64-bit
 * hashes, 8 bytes a record, sorted for lookup) and its {@link SnapshotCounts}. It is what "the
 * snapshot is the account's complete state" means to the resolve pass, which must know every id
 * before anything is written. A push without that pass needs no census: it counts as it goes.
 *
 * <p>A line that is not JSON is neither counted nor treated as present. A line with an id
 * central could hold counts as present even when it is no valid record otherwise, so a record
 * the push could not write is never resolved because of that.
 */
public final class SnapshotCensus {
    private final String centralPrefix;
    private final String account;
    private final SnapshotCounts counts = new SnapshotCounts();
    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted = true;
    private String unclean;
    private String truncated;
    private final Coverage.Builder coverage = new Coverage.Builder();

    public SnapshotCensus(String centralPrefix, String account) {
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        RecordPaths.validateAccount(account);
        this.account = account;
    }

    /** How many of {@code files} {@link #read} reads. */
    public static int filesRead(List<ScanLocator.ScanFile> files, boolean includeAssets) {
        int n = 0;
        for (ScanLocator.ScanFile file : files) {
            if (file.kind() != RecordKind.ASSET || includeAssets) {
                n++;
            }
        }
        return n;
    }

    /** Reads scan files of the snapshot; assets only when {@code includeAssets}. */
    public void read(StorageAdapter store, List<ScanLocator.ScanFile> files, boolean includeAssets) {
        for (ScanLocator.ScanFile file : files) {
            if (file.kind() == RecordKind.ASSET && !includeAssets) {
                continue;
            }
            counts.reading(file.kind());
            if (file.producer()) {
                readProducerFile(store, file);
                continue;
            }
            long lines = 0;
            try (ScanFileReader reader = ScanFileReader.open(file.displayName(), store.openStream(file.key()))) {
                while (reader.hasNext()) {
                    ScanLine line = reader.next();
                    lines++;
                    if (!line.isError()) {
                        add(file.kind(), line.object());
                    } else if (unclean == null) {
                        unclean = file.displayName() + " line " + line.lineNumber() + " is not a record";
                    }
                }
            } catch (IOException | UncheckedIOException | StorageException unreadable) {
                // The push reports the file itself. Without all of it the snapshot is not the
                // account's complete state of this kind, so no resolve pass may rely on it.
                counts.unreadable(file.kind());
                if (unclean == null) {
                    unclean = file.displayName() + " could not be read whole";
                }
                continue;
            }
            if (file.manifestLines() != ScanLocator.ScanFile.UNKNOWN && lines < file.manifestLines()
                    && truncated == null) {
                truncated = file.displayName() + " holds " + lines + (lines == 1 ? " line" : " lines")
                        + " but the snapshot's manifest counts " + file.manifestLines();
            }
        }
    }

    /** The records of one kind of a producer file, mapped as the push maps them. */
    private void readProducerFile(StorageAdapter store, ScanLocator.ScanFile file) {
        ProducerRecord.Kind wanted = file.kind() == RecordKind.FINDING ? ProducerRecord.Kind.FINDING
                : ProducerRecord.Kind.ASSET;
        try (ProducerRecords records = ProducerRecords.open(store.openStream(file.key()), file.displayName(),
                file.format(), account, null)) {
            while (records.hasNext()) {
                ProducerRecord r = records.next();
                if (r.isError() || r.kind() == null) {
                    if (unclean == null) {
                        unclean = r.origin() + " is not a record";
                    }
                } else if (r.kind() == wanted) {
                    add(file.kind(), r.raw());
                }
            }
        } catch (IOException | UncheckedIOException | StorageException unreadable) {
            counts.unreadable(file.kind());
            if (unclean == null) {
                unclean = file.displayName() + " could not be read whole";
            }
        }
    }

    /**
     * Why the snapshot is shorter than its manifest says (the first file with fewer lines than
     * the manifest's {@code finding_count} or {@code asset_count}); null when no file is, or the
     * manifest gave no counts. Every line of it may be a good record, yet it is not the whole
     * snapshot, so it is no grounds for resolving anything either.
     */
    public String truncated() {
        return truncated;
    }

    /** The (region, resource type) pairs of the snapshot's assets; empty without an inventory. */
    public Coverage coverage() {
        return coverage.build();
    }

    /**
     * Why the snapshot was not read whole and clean (the first line that is not a record, a
     * file cut mid-line or unreadable); null when it was. Such a snapshot is no grounds for
     * resolving anything: what a damaged line held is unknown.
     */
    public String unclean() {
        return unclean;
    }

    /**
     * The kinds of record the snapshot had a file of and read whole: it is the complete state
     * only of those. An event-driven push of {@code findings.jsonl} says nothing about the
     * account's assets.
     */
    public Set<RecordKind> kinds() {
        return counts.kinds();
    }

    /** Adds one raw scan record; counted as {@link CountedAs#of} says. */
    public void add(RecordKind kind, Map<String, Object> raw) {
        counts.reading(kind);
        if (!(raw.get("id") instanceof String id)) {
            return;
        }
        String path;
        try {
            path = kind.path(centralPrefix, account, id);
        } catch (InvalidRecordException | IllegalArgumentException unsafe) {
            // Reported by the push itself, once, as that record's error.
            return;
        }
        counts.add(CountedAs.ofRecord(kind, raw));
        if (kind == RecordKind.ASSET) {
            coverage.add(Coverage.Pair.of(raw));
        }
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash(path);
        sorted = false;
    }

    /** Whether the snapshot holds the record at this central key. */
    public boolean contains(String centralKey) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, hash(centralKey)) >= 0;
    }

    /** The snapshot's counts. */
    SnapshotCounts counts() {
        return counts;
    }

    public long findings() {
        return counts.findings();
    }

    public long open() {
        return counts.open();
    }

    public long resolved() {
        return counts.resolved();
    }

    public long assets() {
        return counts.assets();
    }

    private static long hash(String path) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
