package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.index.CorruptIndexException;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.index.ScanFileEntry;
import com.mantissa.stance.sync.engine.index.ScanFileVersions;
import com.mantissa.stance.sync.engine.push.AccountIndexStore;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.push.UnchangedScanFiles;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resolve pass a push need not run, because nothing it would look at changed since the last
 * one: every scan file of the account's snapshot is one the push skips as unchanged
 * ({@link UnchangedScanFiles}: same version, same snapshot, younger than the index's maximum age),
 * and the account's index remembers, on each of those very entries, that a resolve pass over
 * exactly these files completed after they were pushed. Central changed since only through what
 * makes the index forget those entries (a push that wrote or failed records of their kind, a
 * prune or resolve pass that rewrote or deleted records the index vouched for), so the pass
 * would resolve nothing and find what the last one found. The snapshot's files are then not read
 * at all, and the push reports the last pass's findings as already resolved.
 *
 * <p>The pass is remembered after a push whose resolve pass completed without errors and was not
 * refused, whose record push had no errors, and whose every file the index remembers at the
 * version this push had: one conditional write on the index as this sync last read or wrote it
 * ({@link StoredIndexes}), only when the entries do not carry that pass yet. Losing that write to
 * another writer costs the next push a census, nothing else. The index is read once per sync: the
 * check that skips a pass and the push that loads it share the read.
 */
final class UnchangedSnapshotResolve {
    private static final String AT = "at";
    private static final String FILES = "files";
    private static final String ALREADY_RESOLVED = "already_resolved";
    private static final String OPEN = "open";
    private static final String NOT_COVERED = "not_covered";
    private static final String ASSETS_NOT_COVERED = "assets_not_covered";
    private static final String BY_REASON = "by_reason";

    private UnchangedSnapshotResolve() {
    }

    /**
     * The last resolve pass of the account's snapshot, as a pass run now would find it, when it
     * need not run; null when the snapshot must be read and the pass run.
     *
     * @param fileCount the scan files a census of the snapshot would read
     * @param sources   what the push reads of them
     */
    static ResolveMissingResult lastPass(StorageAdapter central, SyncOptions options, String account, int fileCount,
                                         List<RecordSource> sources, StoredIndexes indexes) {
        if (!UnchangedScanFiles.applies(options.config(), options.useIndex(), options.dryRun(), options.trackState())
                || fileCount == 0 || sources.size() != fileCount) {
            return null;
        }
        for (RecordSource source : sources) {
            if (source.fileVersion() == null) {
                return null;
            }
        }
        PushIndex stored = UnchangedScanFiles.storedIndex(central, options.config().centralPrefix(), account, indexes);
        long now = PushIndex.micros(options.clock().instant());
        long maxAge = maxAgeMicros(options);
        Map<String, Object> pass = null;
        for (RecordSource source : sources) {
            ScanFileEntry entry = UnchangedScanFiles.unchanged(stored, source.fileVersion(), now, maxAge);
            if (entry == null || entry.resolvePass().isEmpty() || (pass != null && !pass.equals(entry.resolvePass()))) {
                return null;
            }
            pass = entry.resolvePass();
        }
        if (!(pass.get(FILES) instanceof Number files) || files.longValue() != fileCount) {
            return null;
        }
        Map<ResolveMissingResult.Reason, Long> byReason = new EnumMap<>(ResolveMissingResult.Reason.class);
        if (pass.get(BY_REASON) instanceof Map<?, ?> reasons) {
            reasons.forEach((text, n) -> {
                ResolveMissingResult.Reason reason = ResolveMissingResult.Reason.of(text);
                if (reason != null && n instanceof Number count) {
                    byReason.put(reason, count.longValue());
                }
            });
        }
        return new ResolveMissingResult(0, number(pass, ALREADY_RESOLVED), 0, number(pass, OPEN), false, List.of(),
                number(pass, NOT_COVERED), number(pass, ASSETS_NOT_COVERED), byReason, List.of(), true);
    }

    /**
     * Remembers {@code result}, a resolve pass over the snapshot {@code sources} are, on the
     * index's entries of those files, when every one is there at the version this push had.
     * Does nothing when any is not, or the index changes meanwhile.
     */
    static void remember(StorageAdapter central, SyncOptions options, String account, List<RecordSource> sources,
                         ResolveMissingResult result, StoredIndexes indexes) {
        Map<String, Object> pass = new LinkedHashMap<>();
        pass.put(AT, PushIndex.micros(options.clock().instant()));
        pass.put(FILES, (long) sources.size());
        pass.put(ALREADY_RESOLVED, result.resolved() + result.alreadyResolved());
        pass.put(OPEN, Math.max(0, result.openBefore() - result.resolved()));
        pass.put(NOT_COVERED, result.notCovered());
        pass.put(ASSETS_NOT_COVERED, result.assetsNotCovered());
        Map<String, Object> reasons = new LinkedHashMap<>();
        result.resolvedByReason().forEach((reason, n) -> reasons.put(reason.text(), n));
        pass.put(BY_REASON, reasons);
        String path = AccountIndexStore.indexPath(options.config().centralPrefix(), account);
        StoreCalls calls = new StoreCalls(central, "remembering the resolve pass of account '" + account + "'");
        try {
            Optional<StoredObject> stored = indexes.get(account, () -> calls.call(() -> central.readRecord(path), path));
            if (stored.isEmpty()) {
                return;
            }
            PushIndex index = PushIndex.parse(stored.get().content(), account);
            ScanFileVersions files = index.scanFiles();
            List<String> ids = new ArrayList<>();
            for (RecordSource source : sources) {
                ScanFileVersion version = source.fileVersion();
                ScanFileEntry entry = version == null ? null : files.get(version.fileId());
                if (entry == null || !entry.clean() || !entry.kind().equals(version.kind().folder())
                        || !entry.sameFile(version.version(), version.size(), version.snapshot())) {
                    return;
                }
                ids.add(version.fileId());
            }
            for (String id : ids) {
                files.remember(id, files.get(id).withResolvePass(pass));
            }
            byte[] bytes = index.serialize();
            String token = stored.get().versionToken();
            calls.call(() -> central.writeRecord(path, bytes, WriteCondition.ifMatch(token)), path);
        } catch (StorageException | CorruptIndexException | InvalidRecordException notRemembered) {
            // Another writer replaced the index, or it cannot be read or written: the pass is not
            // remembered, and the next push reads the snapshot and runs it again. Nothing is lost.
        }
    }

    private static long number(Map<String, Object> map, String name) {
        return map.get(name) instanceof Number n ? n.longValue() : 0;
    }

    private static long maxAgeMicros(SyncOptions options) {
        try {
            return options.indexMaxAge().toNanos() / 1000;
        } catch (ArithmeticException longerThanCenturies) {
            return Long.MAX_VALUE;
        }
    }
}
