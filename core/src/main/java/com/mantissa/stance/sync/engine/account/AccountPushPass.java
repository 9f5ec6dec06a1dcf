package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.AccountStatus;
import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.ResolveSettings;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.push.StoreFailures;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.InvalidKeyException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a push of one account's snapshot does around the record push itself: before it, the
 * resolve-missing plan (which may refuse the whole push, writing nothing) over a
 * {@link SnapshotCensus} of the snapshot; after it, the resolve pass and the account's
 * status object ({@link AccountStatus}), whose counts the push itself took as it went
 * ({@link SnapshotCounts}): without resolve-missing the snapshot is read only once, by the push.
 */
public final class AccountPushPass {
    private static final Pattern SNAPSHOT = Pattern.compile("(?:^|.*/)(?:findings|assets)/([^/]+)/[^/]+\\.jsonl");

    private final StorageAdapter central;
    private final SyncConfig config;
    private final String account;
    private final String provider;
    private final String snapshot;
    private final ResolveMissingOperation resolve;
    private final ResolveMissingOperation.Plan plan;
    private final ResolveSettings settings;
    private final Clock clock;
    /** Why the resolve pass was asked for and does not run; null when it runs or was not asked for. */
    private String skipped;
    /** Why the resolve pass does not run although every line was a record: a warning, not an error. */
    private String truncated;
    /** The last pass, reported instead of running one when the snapshot is unchanged since; null else. */
    private ResolveMissingResult lastPass;

    private AccountPushPass(StorageAdapter central, SyncConfig config, String account, String provider,
                            String snapshot, ResolveMissingOperation resolve,
                            ResolveMissingOperation.Plan plan, ResolveSettings settings, Clock clock) {
        this.central = central;
        this.config = config;
        this.account = account;
        this.provider = provider;
        this.snapshot = snapshot;
        this.resolve = resolve;
        this.plan = plan;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * With {@code resolve}, plans the resolve pass over the snapshot read into {@code census}
     * (reads only).
     *
     * @param census  the snapshot read beforehand; may be null without {@code resolve}
     * @param resolve null for a push without resolve-missing
     */
    public static AccountPushPass prepare(StorageAdapter central, SyncConfig config, String account, String provider,
                                          SnapshotCensus census, String snapshot, ResolveSettings resolve,
                                          Clock clock) {
        Objects.requireNonNull(clock);
        if (resolve == null) {
            return new AccountPushPass(central, config, account, provider, snapshot, null, null, null, clock);
        }
        Objects.requireNonNull(census, "a resolve pass needs the snapshot's census");
        if (census.unclean() != null) {
            AccountPushPass pass = new AccountPushPass(central, config, account, provider, snapshot, null, null, null,
                    clock);
            pass.skipped = "account '" + account + "': no resolve pass: " + census.unclean()
                    + "; a snapshot not read whole and clean resolves nothing";
            return pass;
        }
        if (census.truncated() != null) {
            AccountPushPass pass = new AccountPushPass(central, config, account, provider, snapshot, null, null, null,
                    clock);
            pass.truncated = "account '" + account + "': snapshot '" + snapshot + "' is truncated: "
                    + census.truncated() + "; its records were pushed, and nothing resolved";
            return pass;
        }
        ResolveMissingOperation operation =
                new ResolveMissingOperation(central, config.centralPrefix(), account, provider)
                        .maxShare(resolve.maxShare()).force(resolve.force())
                        .checksumVerify(config.checksumVerify()).concurrency(config.concurrency()).clock(clock);
        return new AccountPushPass(central, config, account, provider, snapshot, operation,
                operation.plan(census), resolve, clock);
    }

    /**
     * A push whose resolve pass does not run because the snapshot is unchanged since the last one
     * ({@link UnchangedSnapshotResolve}): reports {@code lastPass} as the pass, reads and writes nothing.
     */
    static AccountPushPass unchangedSinceLastPass(StorageAdapter central, SyncConfig config, String account,
                                                  String provider, String snapshot, ResolveMissingResult lastPass,
                                                  Clock clock) {
        AccountPushPass pass = new AccountPushPass(central, config, account, provider, snapshot, null, null, null,
                Objects.requireNonNull(clock));
        pass.lastPass = Objects.requireNonNull(lastPass);
        return pass;
    }

    /**
     * Tells {@code changes} the snapshot of this account's changes, and has the resolve pass
     * tell it each finding it resolves.
     */
    public AccountPushPass recordChangesIn(ChangeLog changes) {
        changes.snapshot(account, provider, snapshot);
        if (resolve != null) {
            resolve.changes(changes);
        }
        return this;
    }

    /** The one line saying why the push must not run; empty when it may. */
    public Optional<String> refusal() {
        return plan != null && plan.refused() ? Optional.of(plan.refusal(settings.maxShare())) : Optional.empty();
    }

    /** The resolve plan; null without resolve-missing. */
    public ResolveMissingOperation.Plan plan() {
        return plan;
    }

    /**
     * After the push: resolves what the snapshot no longer has and records the account's
     * status from {@code counted}, what the push counted of the snapshot. The push result gets
     * the resolve pass's errors added. A dry run writes nothing; without {@code keepState} (a
     * push told to keep no state in central, as the original) the status is not recorded either.
     */
    public Finished finish(SyncResult pushed, SnapshotCounts counted, boolean dryRun, boolean keepState) {
        if (dryRun) {
            return new Finished(pushed, null);
        }
        // A push is complete when it attempted every record: none was left for a deadline or a
        // transient store failure. A pass after an incomplete push would go on writing past the
        // deadline and resolve the account by a push that did not happen; the next push resolves.
        boolean complete = pushed.retryableErrors() == 0;
        ResolveMissingResult result = resolve == null ? lastPass : complete ? resolve.apply(plan) : null;
        List<String> warnings = new ArrayList<>(pushed.warnings());
        if (truncated != null) {
            warnings.add(truncated);
        }
        if (resolve != null && !complete) {
            warnings.add("account '" + account + "': no resolve pass: the push did not attempt every record");
        }
        // Only the kinds this push read whole are recorded; another kind's counts stay as its
        // last push stored them, in an object of their own, so nothing needs reading first.
        // Only a complete push's counts and time are the account's status; one that is not leaves
        // them and records the attempt (errors of a sync of several accounts count for each of them).
        List<String> errors = new ArrayList<>(pushed.errors());
        if (result != null) {
            errors.addAll(result.errors());
        }
        String firstError = errors.isEmpty() ? null : StoreFailures.redact(errors.get(0));
        if (keepState && RecordPaths.isSafeAccount(account) && (!counted.kinds().isEmpty() || !complete)) {
            try {
                if (complete) {
                    AccountStatus.afterPush(account, provider, clock.instant(), snapshot, counted, result, firstError)
                            .store(central, config.centralPrefix(), counted.kinds());
                } else {
                    AccountStatus.storeIncompleteAttempt(central, config.centralPrefix(), account, provider,
                            clock.instant(), firstError);
                }
            } catch (TransientStorageException | InvalidKeyException e) {
                // The status is a summary for `status`; failing to record it loses no record.
                warnings.add(StoreFailures.redact("status of account '" + account + "' not recorded: "
                        + e.getMessage()));
            }
        }
        if ((result == null || result.errors().isEmpty()) && warnings.equals(pushed.warnings())) {
            return new Finished(pushed, result);
        }
        return new Finished(new SyncResult(pushed.recordsSynced(), pushed.recordsSkipped(),
                pushed.conflictsResolved(), errors, pushed.durationSeconds(), pushed.syncDirection(),
                pushed.retryableErrors(), warnings), result);
    }

    /** Why a resolve pass that was asked for does not run (a snapshot not read whole and clean); empty when it runs. */
    public Optional<String> skipped() {
        return Optional.ofNullable(skipped);
    }

    /** The push's result with the resolve pass's errors, and the resolve pass (null when none ran). */
    public record Finished(SyncResult result, ResolveMissingResult resolve) {
    }

    /** The snapshot a push came from: the folder name Stance gives it, else the file's name. */
    public static String snapshotOf(List<ScanLocator.ScanFile> files) {
        for (ScanLocator.ScanFile file : files) {
            Matcher m = SNAPSHOT.matcher(file.key());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return files.isEmpty() ? null : files.get(0).displayName();
    }
}
