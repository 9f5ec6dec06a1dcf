package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.ResolveSettings;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.push.PushOperation;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-account passes a push of scan files runs around its records ({@link AccountPushPass}):
 * collected as {@link CrossCloudSync#addScanFiles} is called, prepared before the push (with
 * resolve-missing the snapshot is read once beforehand, and an account whose resolve plan is
 * refused is left out of the push entirely, so nothing of it is written) and finished after it
 * (resolve, then the account's status from what the push counted of the account's sources).
 */
public final class AccountPasses {
    private record Account(String account, String provider) {
    }

    private record Scan(StorageAdapter store, List<ScanLocator.ScanFile> files, List<RecordSource> sources) {
    }

    private final Map<Account, List<Scan>> scans = new LinkedHashMap<>();
    private final List<ResolveMissingResult> lastResolves = new ArrayList<>();

    /** {@code sources}: what the push reads of {@code files}. */
    public void add(StorageAdapter store, List<ScanLocator.ScanFile> files, List<RecordSource> sources, String account,
             String provider) {
        scans.computeIfAbsent(new Account(account, provider), k -> new ArrayList<>())
                .add(new Scan(store, files, List.copyOf(sources)));
    }

    public void clear() {
        scans.clear();
        lastResolves.clear();
    }

    /** The resolve passes of the last sync, in account order. */
    public List<ResolveMissingResult> lastResolves() {
        return List.copyOf(lastResolves);
    }

    /** The passes of one sync, prepared: which accounts are refused, and what to run afterwards. */
    public final class Prepared {
        private final Map<Account, AccountPushPass> passes = new LinkedHashMap<>();
        private final Map<Account, List<RecordSource>> sources = new LinkedHashMap<>();
        private final Set<String> refusedAccounts = new TreeSet<>();
        private final List<String> refusals = new ArrayList<>();
        private final StorageAdapter central;
        private final SyncOptions options;
        private final StoredIndexes indexes;

        private Prepared(StorageAdapter central, SyncOptions options, StoredIndexes indexes) {
            this.central = central;
            this.options = options;
            this.indexes = indexes;
        }

        /**
         * Remembers a pass that ran whole, changing nothing, after a push without errors, so that
         * the unchanged snapshot need not run it again.
         */
        private void rememberPass(Account account, SyncResult pushed, ResolveMissingResult pass) {
            // A pass that resolved or removed anything had the index forget the files it vouched
            // for; the next pass, finding nothing left to do, is the one remembered.
            if (!pass.snapshotUnchanged() && !pass.refused() && pass.errors().isEmpty() && pass.resolved() == 0
                    && pass.assetsRemoved() == 0 && pushed.errors().isEmpty() && pushed.retryableErrors() == 0) {
                UnchangedSnapshotResolve.remember(central, options, account.account(), sources.get(account), pass,
                        indexes);
            }
        }

        /** The sources to push: all but those of refused accounts. */
        public List<RecordSource> pushable(List<RecordSource> pending) {
            List<RecordSource> out = new ArrayList<>(pending.size());
            for (RecordSource source : pending) {
                if (!refusedAccounts.contains(source.accountId())) {
                    out.add(source);
                }
            }
            return out;
        }

        /**
         * Resolves and records status after the push, with what {@code push} counted of each
         * account's sources; adds refusals and resolve errors to the result.
         */
        public SyncResult finish(SyncResult pushed, PushOperation push) {
            lastResolves.clear();
            List<String> errors = new ArrayList<>(pushed.errors());
            errors.addAll(refusals);
            List<String> warnings = new ArrayList<>(pushed.warnings());
            long synced = pushed.recordsSynced();
            for (Map.Entry<Account, AccountPushPass> entry : passes.entrySet()) {
                SnapshotCounts counted = new SnapshotCounts();
                for (RecordSource source : sources.get(entry.getKey())) {
                    counted.add(push.counts(source));
                }
                AccountPushPass.Finished finished = entry.getValue().finish(pushed, counted, options.dryRun(),
                        options.useIndex());
                entry.getValue().skipped().ifPresent(errors::add);
                List<String> passWarnings = finished.result().warnings();
                warnings.addAll(passWarnings.subList(Math.min(pushed.warnings().size(), passWarnings.size()),
                        passWarnings.size()));
                if (finished.resolve() != null) {
                    rememberPass(entry.getKey(), pushed, finished.resolve());
                    lastResolves.add(finished.resolve());
                    errors.addAll(finished.resolve().errors());
                    synced += finished.resolve().resolved();
                }
            }
            if (errors.size() == pushed.errors().size() && synced == pushed.recordsSynced()
                    && warnings.size() == pushed.warnings().size()) {
                return pushed;
            }
            return new SyncResult(synced, pushed.recordsSkipped(), pushed.conflictsResolved(), errors,
                    pushed.durationSeconds(), pushed.syncDirection(), pushed.retryableErrors(), warnings);
        }
    }

    /**
     * With {@code resolve}, reads each account's snapshot once (a {@link SnapshotCensus}) and plans
     * its resolve pass, unless the snapshot is unchanged since the account's last pass
     * ({@link UnchangedSnapshotResolve}: then it reads only the account's index); without, reads
     * nothing. Writes nothing. Tells {@code changes} (when not null) each account's snapshot and
     * resolved findings, and reads each account's index through {@code indexes}, which the push
     * then loads it from.
     */
    public Prepared prepare(StorageAdapter central, SyncOptions options, ResolveSettings resolve, ChangeLog changes,
                            StoredIndexes indexes) {
        Prepared prepared = new Prepared(central, options, indexes);
        for (Map.Entry<Account, List<Scan>> entry : scans.entrySet()) {
            Account account = entry.getKey();
            List<ScanLocator.ScanFile> files = new ArrayList<>();
            List<RecordSource> sources = new ArrayList<>();
            int censusFiles = 0;
            for (Scan scan : entry.getValue()) {
                files.addAll(scan.files());
                sources.addAll(scan.sources());
                censusFiles += SnapshotCensus.filesRead(scan.files(), options.config().includeAssets());
            }
            ResolveMissingResult lastPass = resolve == null ? null
                    : UnchangedSnapshotResolve.lastPass(central, options, account.account(), censusFiles, sources,
                            indexes);
            SnapshotCensus census = resolve == null || lastPass != null ? null
                    : new SnapshotCensus(options.config().centralPrefix(), account.account());
            for (Scan scan : census == null ? List.<Scan>of() : entry.getValue()) {
                census.read(scan.store(), scan.files(), options.config().includeAssets());
            }
            AccountPushPass pass = lastPass != null
                    ? AccountPushPass.unchangedSinceLastPass(central, options.config(), account.account(),
                            account.provider(), AccountPushPass.snapshotOf(files), lastPass, options.clock())
                    : AccountPushPass.prepare(central, options.config(), account.account(), account.provider(),
                            census, AccountPushPass.snapshotOf(files), resolve, options.clock());
            if (pass.refusal().isPresent()) {
                prepared.refusedAccounts.add(account.account());
                prepared.refusals.add("account '" + account.account() + "': " + pass.refusal().get());
            } else {
                if (changes != null) {
                    pass.recordChangesIn(changes);
                }
                prepared.passes.put(account, pass);
                prepared.sources.put(account, sources);
            }
        }
        return prepared;
    }
}
