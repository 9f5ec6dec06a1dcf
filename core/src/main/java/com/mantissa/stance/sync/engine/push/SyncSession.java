package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.exec.OrderedBatchRunner;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncProgress;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every operation of one sync shares: its options, the stores, the retry policy, the
 * batch runner and the tally. Operations call stores only through {@link #call} and
 * {@link #write}, so retries, dry runs and store-level aborts are decided here once, and
 * report each record's outcome through {@link #record}, on the coordinating thread.
 */
public final class SyncSession {
    private final SyncOptions options;
    private final StorageAdapter central;
    private final StorageAdapter pullTarget;
    private final Retry retry;
    private final OrderedBatchRunner runner;
    private final Tally tally = new Tally();
    private final Map<String, SyncRecord> syncState;
    private final Object stateLock;
    private final SyncProgress progress;
    private long done;
    private long expected = -1;
    private long bytesRead;
    private long bytesToRead = -1;

    /**
     * @param syncState where tracked records go (guarded by {@code stateLock}); unused unless
     *                  {@link SyncOptions#trackState()}
     */
    public SyncSession(SyncOptions options, StorageAdapter central, StorageAdapter pullTarget, Retry retry,
                OrderedBatchRunner runner, Map<String, SyncRecord> syncState, Object stateLock) {
        this(options, central, pullTarget, retry, runner, syncState, stateLock, SyncProgress.NONE);
    }

    /** @param progress told the records done after each batch */
    public SyncSession(SyncOptions options, StorageAdapter central, StorageAdapter pullTarget, Retry retry,
                OrderedBatchRunner runner, Map<String, SyncRecord> syncState, Object stateLock,
                SyncProgress progress) {
        this.progress = progress;
        this.options = options;
        this.central = central;
        this.pullTarget = pullTarget;
        this.retry = retry;
        this.runner = runner;
        this.syncState = syncState;
        this.stateLock = stateLock;
    }

    SyncOptions options() {
        return options;
    }

    SyncConfig config() {
        return options.config();
    }

    StorageAdapter central() {
        return central;
    }

    /** Where PULL copies verified records; null to verify only. */
    StorageAdapter pullTarget() {
        return pullTarget;
    }

    OrderedBatchRunner runner() {
        return runner;
    }

    public Tally tally() {
        return tally;
    }

    /**
     * A store call, repeated after transient failures.
     *
     * @throws SyncAbortedException when the store fails as a whole (missing, denied, not a store)
     */
    <T> T call(StorageAdapter store, Supplier<T> call) {
        try {
            return retry.call(runner.limit().measured(call));
        } catch (PermanentStorageException e) {
            throw StoreFailures.abort(store == central ? "central" : store == pullTarget ? "pull target" : "store",
                    store.location(), e);
        }
    }

    /**
     * A call whose failure only costs a cache (the push index): repeated after transient
     * failures, and a permanent failure stays a {@link PermanentStorageException} for the
     * caller to report. If the store is unusable as a whole, the records' own calls stop the sync.
     */
    <T> T callForCache(Supplier<T> call) {
        return retry.call(runner.limit().measured(call));
    }

    /** @return the new version token; null in a dry run, which writes nothing */
    String write(StorageAdapter store, String path, byte[] bytes, WriteCondition condition) {
        if (options.dryRun()) {
            return null;
        }
        return call(store, () -> store.writeRecord(path, bytes, condition));
    }

    /** An operation that knows how many records it will handle adds them here, for progress. */
    void expect(long records) {
        expected = expected < 0 ? records : expected + records;
    }

    /** An operation reading scan files of known size tells how far it has read, for progress. */
    void inputRead(long read, long size) {
        bytesRead = read;
        bytesToRead = size;
    }

    /** Tells the progress listener how far the sync has got; operations call it after each batch. */
    void reportProgress() {
        if (bytesToRead > 0) {
            progress.bytesRead(bytesRead, bytesToRead);
        }
        progress.recordsDone(done, expected);
    }

    /** Takes in the records of a scan file not read because the index shows it unchanged: all skipped. */
    void skippedUnread(long records) {
        tally.skipped(records);
        done += records;
    }

    /** Takes in one record's outcome, in input order. */
    void record(Outcome outcome) {
        tally.add(outcome);
        done++;
        if (outcome.indexUpdate() != null) {
            outcome.indexUpdate().apply();
        }
        if (options.trackState() && outcome.state() != null) {
            synchronized (stateLock) {
                syncState.put(outcome.state().id(), outcome.state());
            }
        }
    }
}
