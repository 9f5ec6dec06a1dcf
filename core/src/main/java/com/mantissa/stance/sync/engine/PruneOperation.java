package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeFeed;
import com.mantissa.stance.sync.engine.exec.OrderedReads;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.index.CentralChanges;
import com.mantissa.stance.sync.engine.push.AccountIndexCorrection;
import com.mantissa.stance.sync.engine.push.CentralKeys;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Offboards an account: deletes its findings and assets from central and its
 * {@code _state/{account}/} folder (push index, status), and the account's change feed
 * ({@code _changes/{account}/}) once no record of the account is left. Central's layout puts the hash folder
 * before the account, so finding the account's records costs a listing of all of central's
 * keys (one request per 1,000 keys on the clouds); deleting costs one request per record.
 *
 * <p>With a provider, only records whose {@code _source_provider} is that provider go, which
 * costs a read per record of the account, and {@code _state/{account}/} is removed only when
 * no record of another provider is left under that account id; while it stays, the push index
 * in it forgets the records pruned, so that pushing that provider's scan again writes them.
 */
public final class PruneOperation {
    private final CountingStore central;
    private final String centralPrefix;
    private final String account;
    private final String provider;
    private final StoreCalls calls;
    /** The records deleted, for the push index of a state folder that stays; only with a provider. */
    private final CentralChanges deleted = new CentralChanges();
    private boolean dryRun;
    private int concurrency = 16;

    PruneOperation(StorageAdapter central, String centralPrefix, String account, String provider) {
        this.central = new CountingStore(Objects.requireNonNull(central, "central"));
        this.calls = new StoreCalls(this.central, "prune of account '" + account + "' in " + this.central.location());
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        RecordPaths.validateAccount(account);
        this.account = account;
        this.provider = provider;
    }

    /** Counts what would go without deleting anything. */
    public PruneOperation dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    public PruneOperation concurrency(int threads) {
        this.concurrency = Math.max(1, threads);
        return this;
    }

    /** {@code {prefix}/_state/{account}/}. */
    public static String stateFolder(String centralPrefix, String account) {
        RecordPaths.validateAccount(account);
        return (centralPrefix == null || centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/" + account + "/";
    }

    private enum Decision { REMOVED, OTHER_PROVIDER, GONE, ERROR }

    private record Step(Decision decision, String error) {
    }

    public PruneResult run() {
        long started = System.nanoTime();
        RequestCounts requestsBefore = central.counts();
        List<String> errors = new ArrayList<>();
        Map<RecordKind, long[]> removed = new EnumMap<>(RecordKind.class);
        long[] other = {0};
        CentralKeys keys = new CentralKeys(central, centralPrefix, calls.retry());
        try (OrderedReads reads = new OrderedReads(concurrency, 1000)) {
            for (RecordKind kind : RecordKind.values()) {
                long[] count = {0};
                removed.put(kind, count);
                call(() -> {
                    keys.forEachPage(kind, account, page -> reads.run(page, this::prune, step -> {
                        switch (step.decision()) {
                            case REMOVED -> count[0]++;
                            case OTHER_PROVIDER -> other[0]++;
                            case ERROR -> errors.add(step.error());
                            case GONE -> {
                            }
                        }
                    }));
                    return null;
                });
            }
        }
        long stateObjects = 0;
        String folder = stateFolder(centralPrefix, account);
        // Records of another provider left under the account id keep its state, but not the
        // pruned provider's status: that would still show the counts of what is gone.
        for (String key : call(() -> central.listRecords(folder))) {
            if ((other[0] == 0 || call(() -> AccountStatus.isStatusOf(central, key, provider)))
                    && deleteUnlessDryRun(key, errors)) {
                stateObjects++;
            }
        }
        if (other[0] == 0) {
            // Nothing of the account is left: its change feed goes with it (another provider's
            // records under the account id keep the feed, whose lines name their provider).
            String feed = ChangeFeed.base(centralPrefix) + account + "/";
            for (String key : call(() -> central.listRecords(feed))) {
                if (deleteUnlessDryRun(key, errors)) {
                    stateObjects++;
                }
            }
        }
        if (other[0] > 0 && !dryRun) {
            AccountIndexCorrection.apply(calls, centralPrefix, account, deleted).ifPresent(errors::add);
        }
        return new PruneResult(account, provider, removed.get(RecordKind.FINDING)[0], removed.get(RecordKind.ASSET)[0],
                stateObjects, other[0], dryRun, errors, (System.nanoTime() - started) / 1e9,
                central.counts().minus(requestsBefore));
    }

    private Step prune(String key) {
        try {
            if (provider != null) {
                Optional<StoredObject> object = call(() -> central.readRecord(key));
                if (object.isEmpty()) {
                    return new Step(Decision.GONE, null);
                }
                if (!provider.equals(providerOf(object.get()))) {
                    return new Step(Decision.OTHER_PROVIDER, null);
                }
            }
            if (!dryRun) {
                call(() -> {
                    central.deleteRecord(key);
                    return null;
                });
                if (provider != null) {
                    deleted.deleted(key);
                }
            }
            return new Step(Decision.REMOVED, null);
        } catch (SyncAbortedException e) {
            throw e;
        } catch (StorageException e) {
            return new Step(Decision.ERROR, (provider != null ? "read or delete of " : "delete of ") + key
                    + " failed: " + e.getMessage());
        }
    }

    /** Deletes one of the account's own objects (not in a dry run); false, with the error added, when it failed. */
    private boolean deleteUnlessDryRun(String key, List<String> errors) {
        if (dryRun) {
            return true;
        }
        try {
            call(() -> {
                central.deleteRecord(key);
                return null;
            });
            return true;
        } catch (StorageException e) {
            errors.add("delete of " + key + " failed: " + e.getMessage());
            return false;
        }
    }

    private static String providerOf(StoredObject object) {
        try {
            Object value = JsonParser.parseObject(new String(object.content(), StandardCharsets.UTF_8))
                    .get("_source_provider");
            return value instanceof String s ? s : null;
        } catch (IllegalArgumentException e) {
            return null; // not a record this prune can attribute to a provider: kept
        }
    }

    private <T> T call(java.util.function.Supplier<T> call) {
        return calls.call(call);
    }
}
