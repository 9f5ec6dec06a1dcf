package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one account's snapshot holds, read in one streaming pass over its scan files: the
 * central paths of its records (as 64-bit hashes, 8 bytes a record, sorted for lookup) and
 * its counts by status. It is what "the snapshot is the account's complete state" means to
 * the resolve pass, and what an account's status reports after a push.
 *
 * <p>A line that is not a valid record is neither counted nor treated as present; its id, when
 * it has one, still counts as present, so a record the push could not write is never
 * resolved because of that.
 */
public final class SnapshotCensus {
    private final String centralPrefix;
    private final String account;
    private final Set<RecordKind> kinds = EnumSet.noneOf(RecordKind.class);
    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted = true;
    private long findings;
    private long open;
    private long resolved;
    private long assets;

    public SnapshotCensus(String centralPrefix, String account) {
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        RecordPaths.validateAccount(account);
        this.account = account;
    }

    private final Set<RecordKind> incomplete = EnumSet.noneOf(RecordKind.class);

    /** Reads scan files of the snapshot; assets only when {@code includeAssets}. */
    public void read(StorageAdapter store, List<ScanLocator.ScanFile> files, boolean includeAssets) {
        for (ScanLocator.ScanFile file : files) {
            if (file.kind() == RecordKind.ASSET && !includeAssets) {
                continue;
            }
            if (!incomplete.contains(file.kind())) {
                kinds.add(file.kind());
            }
            try (ScanFileReader reader = ScanFileReader.open(file.displayName(), store.openStream(file.key()))) {
                while (reader.hasNext()) {
                    ScanLine line = reader.next();
                    if (!line.isError()) {
                        add(file.kind(), line.object());
                    }
                }
            } catch (IOException | UncheckedIOException | StorageException unreadable) {
                // The push reports the file itself. Without all of it the snapshot is not the
                // account's complete state of this kind, so no resolve pass may rely on it.
                kinds.remove(file.kind());
                incomplete.add(file.kind());
            }
        }
    }

    /**
     * The kinds of record the snapshot had a file of: it is the complete state only of those.
     * An event-driven push of {@code findings.jsonl} says nothing about the account's assets.
     */
    public Set<RecordKind> kinds() {
        return kinds.isEmpty() ? EnumSet.noneOf(RecordKind.class) : EnumSet.copyOf(kinds);
    }

    /** Adds one raw scan record. */
    public void add(RecordKind kind, Map<String, Object> raw) {
        kinds.add(kind);
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
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash(path);
        sorted = false;
        if (kind == RecordKind.ASSET) {
            assets++;
            return;
        }
        findings++;
        String status = raw.get("status") instanceof String s ? s.toLowerCase(Locale.ROOT) : "open";
        if (status.equals("open")) {
            open++;
        } else if (status.equals("resolved")) {
            resolved++;
        }
    }

    /** Whether the snapshot holds the record at this central key. */
    public boolean contains(String centralKey) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, hash(centralKey)) >= 0;
    }

    public long findings() {
        return findings;
    }

    public long open() {
        return open;
    }

    public long resolved() {
        return resolved;
    }

    public long assets() {
        return assets;
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
