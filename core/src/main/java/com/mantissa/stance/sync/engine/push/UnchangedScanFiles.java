package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.index.AccountIndex;
import com.mantissa.stance.sync.engine.index.CorruptIndexException;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.index.ScanFileEntry;
import com.mantissa.stance.sync.engine.index.ScanFileVersions;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Scan files a push need not read: one the account's index remembers as pushed whole, at the
 * version its store shows now, less than the index's maximum age ago. Its records are reported as
 * skipped and count in the account's status as the index remembers them. The same strategies that
 * let a byte-identical line be skipped without a request let a whole file be: LATEST_WINS and
 * CENTRAL_WINS, which never rewrite central for content it already holds.
 *
 * <p>A file is remembered only when every one of its records was pushed without an error. A push
 * that wrote records of a kind, or failed on one, forgets the other files of that kind the account's
 * index remembers: they may have put what was just replaced, and are read again next time.
 */
public final class UnchangedScanFiles {
    private final StorageAdapter central;
    private final String centralPrefix;
    private final String account;
    private final String snapshot;
    private final boolean applies;
    private final long maxAgeMicros;
    private final long nowMicros;
    private final StoredIndexes indexes;
    private PushIndex stored;
    private boolean read;

    /**
     * The scan files of one account's snapshot, compared with the account's index as central holds
     * it, read once when the first file is compared: for a push that decides which files to read
     * before the engine loads the index.
     *
     * @param applies whether the push may skip files ({@link #applies(SyncConfig, boolean, boolean, boolean)})
     * @param indexes what the push knows of the account's index, read through it
     */
    public UnchangedScanFiles(StorageAdapter central, String centralPrefix, String account, String snapshot,
                              boolean applies, Duration maxAge, Instant now, StoredIndexes indexes) {
        this.indexes = indexes;
        this.central = central;
        this.centralPrefix = centralPrefix;
        this.account = account;
        this.snapshot = snapshot;
        this.applies = applies;
        this.maxAgeMicros = maxAge.toNanos() / 1000;
        this.nowMicros = PushIndex.micros(now);
    }

    /** The version of {@code file} to compare and remember; null when the push may not skip files. */
    public ScanFileVersion version(StorageAdapter store, ScanLocator.ScanFile file, ObjectMetadata meta) {
        return applies ? ScanFileVersion.of(store.location(), file, meta, snapshot) : null;
    }

    /** What the index remembers of {@code file} if it is unchanged; null when it must be read. */
    public ScanFileEntry entry(ScanFileVersion file) {
        if (!read) {
            read = true;
            stored = storedIndex(central, centralPrefix, account, indexes);
        }
        return unchanged(stored, file, nowMicros, maxAgeMicros);
    }

    /** Whether a push of this configuration may skip and remember scan files. */
    public static boolean applies(SyncConfig config, boolean useIndex, boolean dryRun, boolean trackState) {
        ConflictResolution strategy = config.conflictResolution();
        return useIndex && !dryRun && !trackState
                && (strategy == ConflictResolution.LATEST_WINS || strategy == ConflictResolution.CENTRAL_WINS);
    }

    static boolean applies(SyncOptions options) {
        // An index maximum age of 0 re-checks every record: no file is skipped, so none is compared.
        return !options.indexMaxAge().isZero()
                && applies(options.config(), options.useIndex(), options.dryRun(), options.trackState());
    }

    /**
     * What the index remembers of {@code file} if the file is unchanged and the entry younger than
     * {@code maxAgeMicros}; null when the file must be read.
     */
    public static ScanFileEntry unchanged(PushIndex index, ScanFileVersion file, long nowMicros, long maxAgeMicros) {
        if (index == null || file == null || !file.skipIfUnchanged()) {
            return null;
        }
        ScanFileEntry entry = index.scanFiles().get(file.fileId());
        if (entry == null || !entry.kind().equals(file.kind().folder()) || !entry.clean()
                || !entry.sameFile(file.version(), file.size(), file.snapshot())
                || !entry.fresh(nowMicros, maxAgeMicros)) {
            return null;
        }
        return entry;
    }

    /** What an unchanged file counts in its account's status. */
    public static SnapshotCounts counts(ScanFileEntry entry) {
        return SnapshotCounts.fromMap(entry.counts());
    }

    /**
     * After a push read {@code file} to its end: remembers it when none of its records failed,
     * and forgets the other files of its kind when it wrote or failed any.
     *
     * @param counted what this run counted of the file (its earlier runs' counts are in {@code file})
     */
    static void afterRead(AccountIndex index, ScanFileVersion file, long records, long written, long failed,
                          SnapshotCounts counted, long nowMicros) {
        ScanFileVersions files = index.index.scanFiles();
        if (written > 0 || failed > 0) {
            index.changed |= files.forgetKind(file.kind().folder(), failed > 0 ? null : file.fileId());
        }
        if (failed > 0 || file.version().isEmpty()) {
            return;
        }
        SnapshotCounts whole = new SnapshotCounts();
        whole.add(file.earlierCounts());
        whole.add(counted);
        files.remember(file.fileId(), new ScanFileEntry(file.kind().folder(), file.version(), file.size(),
                file.snapshot(), nowMicros, file.earlierRecords() + records, true, whole.toMap(), null));
        index.changed = true;
    }

    /**
     * What the store shows of a scan file before the push reads it, so that the account's index
     * can tell an unchanged file: the locator's metadata, else one metadata request when the push
     * may skip files. Null when not known; the file is then read as ever.
     */
    public static ScanFileVersion versionBeforeRead(StorageAdapter store, ScanLocator.ScanFile file, String snapshot,
                                                    SyncOptions options, Retry retry) {
        ObjectMetadata meta = file.metadata();
        if (meta == null && applies(options)) {
            try {
                meta = retry.call(() -> store.getMetadata(file.key())).orElse(null);
            } catch (StorageException unknown) {
                meta = null; // the push reads the file and reports what is wrong with it
            }
        }
        return meta == null ? null : ScanFileVersion.of(store.location(), file, meta, snapshot);
    }

    /**
     * The account's index as central holds it, for deciding which files to read before a push
     * loads it; null when there is none or it cannot be read or parsed (the push then reads every
     * file, and reports the index's problem itself).
     */
    public static PushIndex storedIndex(StorageAdapter central, String centralPrefix, String account) {
        return storedIndex(central, centralPrefix, account, new StoredIndexes());
    }

    /** As {@link #storedIndex(StorageAdapter, String, String)}, read through what the sync knows of it. */
    public static PushIndex storedIndex(StorageAdapter central, String centralPrefix, String account,
                                        StoredIndexes indexes) {
        try {
            Optional<StoredObject> stored = indexes.get(account,
                    () -> central.readRecord(AccountIndexStore.indexPath(centralPrefix, account)));
            return stored.isEmpty() ? null : PushIndex.parse(stored.get().content(), account);
        } catch (StorageException | CorruptIndexException | InvalidRecordException e) {
            return null;
        }
    }
}
