package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.account.ResolveMissingOperation;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.time.Duration;
import java.util.Objects;

/**
 * One central store under one prefix, and every operation on it: the way in for the CLI and
 * the functions. Each method hands back a new operation of its own, which takes its options
 * and then runs; nothing is shared between two of them but the store.
 *
 * <p>The prefix is normalised once, here, as {@link SyncConfig} normalises its
 * {@code central_prefix} ({@code "/a/b/"} is {@code "a/b"}), so a push and the export, prune
 * or status that follow it always look under the same keys. A sync or resumable push is
 * configured by a {@link SyncConfig}, whose prefix must be this one.
 */
public final class Central {
    private final StorageAdapter store;
    private final String prefix;

    private Central(StorageAdapter store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    /**
     * @param prefix the central prefix; {@code ""} for the store's root
     * @throws IllegalArgumentException when the prefix has an empty, {@code .} or {@code ..}
     *                                  segment, a backslash or a control character
     */
    public static Central at(StorageAdapter store, String prefix) {
        return new Central(Objects.requireNonNull(store, "central store"),
                SyncConfig.normaliseCentralPrefix(Objects.requireNonNull(prefix, "central prefix")));
    }

    public StorageAdapter store() {
        return store;
    }

    /** The normalised prefix every operation works under. */
    public String prefix() {
        return prefix;
    }

    /** Push and/or pull, as {@code config} directs, of the sources added to it: the original's API. */
    public CrossCloudSync sync(SyncConfig config) {
        return new CrossCloudSync(own(config), store);
    }

    /**
     * As {@link #sync(SyncConfig)}, with a pull that copies verified records to {@code pullTarget}.
     *
     * @param pullTarget null to verify only, as {@link #sync(SyncConfig)} does
     */
    public CrossCloudSync sync(SyncConfig config, StorageAdapter pullTarget) {
        return new CrossCloudSync(own(config), store, pullTarget);
    }

    /**
     * A push as {@code description} directs: its index age, deadline, resolve pass and dry run;
     * the account's status is written after it. Add the sources, then {@link CrossCloudSync#sync()}.
     */
    public CrossCloudSync push(PushDescription description) {
        own(description.config());
        return new CrossCloudSync(description.config(), store).trackState(false).describe(description);
    }

    /**
     * A push of scan files that stops within a time budget and resumes where it stopped, under
     * the same description as {@link #push}: the push that finishes writes the account's status
     * and runs the resolve pass.
     */
    public ResumablePush resumablePush(PushDescription description) {
        own(description.config());
        return new ResumablePush(description, store);
    }

    /** Resolves the open findings of one account that its latest snapshot no longer has. */
    public ResolveMissingOperation resolveMissing(String account, String provider) {
        return new ResolveMissingOperation(store, prefix, account, provider);
    }

    /** Copies central, as stored, into Stance-shaped snapshots under {@code targetPrefix} of {@code target}. */
    public ExportOperation export(StorageAdapter target, String targetPrefix) {
        return new ExportOperation(store, prefix, target, targetPrefix);
    }

    /**
     * Deletes one account's records of one provider (of every provider when null), and its
     * state once no record of the account is left.
     */
    public PruneOperation prune(String account, String provider) {
        return new PruneOperation(store, prefix, account, provider);
    }

    /**
     * What pushes changed in central's findings at or after {@code since} and before
     * {@code until}, from the change feed.
     *
     * @throws IllegalArgumentException when {@code since} is not before {@code until}
     */
    public ChangesOperation changes(java.time.Instant since, java.time.Instant until) {
        return new ChangesOperation(store, prefix, since, until);
    }

    /** One row per account: its status objects, and whether it went quiet for {@code staleAfter}. */
    public StatusOperation status(Duration staleAfter) {
        return new StatusOperation(store, prefix, staleAfter);
    }

    /**
     * One cheap request that tells whether central can be used at all: a listing of the state
     * folder under the prefix (empty for a new central).
     *
     * @throws SyncAbortedException naming central when it is missing or refuses access
     */
    public void probe() {
        new StoreCalls(store, "central " + store.location()).call(() -> store.listRecords(
                (prefix.isEmpty() ? "" : prefix + "/") + "_state/"));
    }

    private SyncConfig own(SyncConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.centralPrefix().equals(prefix)) {
            throw new IllegalArgumentException("the config's central_prefix '" + config.centralPrefix()
                    + "' is not this central's prefix '" + prefix + "'");
        }
        return config;
    }
}
