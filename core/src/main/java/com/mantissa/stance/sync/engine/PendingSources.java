package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.account.AccountPasses;
import com.mantissa.stance.sync.engine.account.AccountPushPass;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.push.PushOperation;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.push.UnchangedScanFiles;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sources a {@link CrossCloudSync} has been given for its next push: record collections and
 * scan files, in the order added, with each account's located scan files for its account pass
 * (resolve and status), and the push of them that a sync runs.
 */
final class PendingSources {
    private final List<RecordSource> pending = new ArrayList<>();
    private final AccountPasses accountPasses = new AccountPasses();

    /** The push of the pending sources in one sync: the account passes, what they let through, the operation. */
    record Push(AccountPasses.Prepared passes, List<RecordSource> pushed, PushOperation operation) {
        /** What the push counted of the lines it pushed, over all its sources. */
        SnapshotCounts counts() {
            SnapshotCounts counts = new SnapshotCounts();
            for (RecordSource source : pushed) {
                counts.add(operation.counts(source));
            }
            return counts;
        }

        /** The result with each account's pass run after the push (resolve, status). */
        SyncResult finish(SyncResult result) {
            return passes.finish(result, operation);
        }
    }

    void add(RecordSource source) {
        pending.add(source);
    }

    /** The source added, or null for an asset file when assets are not included. */
    RecordSource addScanSource(ScanLocator.ScanFile file, CrossCloudSync.ScanInput input, String accountId,
                               String provider, long size, boolean reportsProblems, ScanFileVersion version,
                               SyncOptions options) {
        if (file.kind() == RecordKind.ASSET && !options.config().includeAssets()) {
            return null;
        }
        RecordSource source = RecordSource.ofFile(file, input, accountId, provider, size, reportsProblems, version);
        pending.add(source);
        return source;
    }

    /** Scan files found by {@link ScanLocator} in {@code store}, streamed from it during the sync. */
    void addScanFiles(StorageAdapter store, List<ScanLocator.ScanFile> files, String accountId, String provider,
                      SyncOptions options, Retry retry) {
        List<RecordSource> sources = new ArrayList<>(files.size());
        String snapshot = AccountPushPass.snapshotOf(files);
        // A producer file is located once per kind; its first reading reports its problems. The
        // index remembers each kind of it as a file of its own.
        Set<String> reported = new HashSet<>();
        for (ScanLocator.ScanFile file : files) {
            RecordSource source = addScanSource(file, () -> retry.call(() -> store.openStream(file.key())), accountId,
                    provider, file.metadata() == null ? -1 : file.metadata().size(), reported.add(file.key()),
                    UnchangedScanFiles.versionBeforeRead(store, file, snapshot, options, retry),
                    options);
            if (source != null) {
                sources.add(source);
            }
        }
        accountPasses.add(store, files, sources, accountId, provider);
    }

    /**
     * Prepares the push of the pending sources: each account's pass, then the sources it does not refuse.
     *
     * @param shared the indexes a caller keeps across syncs; null for the push's own
     */
    Push push(StorageAdapter central, SyncOptions options, ResolveSettings resolve, ChangeLog changes,
              StoredIndexes shared) {
        // What the push writes is read back only to remember a resolve pass.
        StoredIndexes indexes = shared != null ? shared : new StoredIndexes(resolve != null);
        AccountPasses.Prepared passes = accountPasses.prepare(central, options, resolve, changes, indexes);
        List<RecordSource> pushed = passes.pushable(pending);
        return new Push(passes, pushed, new PushOperation(pushed, changes, indexes));
    }

    /** The resolve passes of the last sync. */
    List<ResolveMissingResult> lastResolves() {
        return accountPasses.lastResolves();
    }

    void clear() {
        pending.clear();
        accountPasses.clear();
    }
}
