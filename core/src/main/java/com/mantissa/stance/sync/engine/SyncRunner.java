package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeFeed;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.exec.ConcurrencyLimit;
import com.mantissa.stance.sync.engine.exec.OrderedBatchRunner;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.push.PullOperation;
import com.mantissa.stance.sync.engine.push.SyncOperation;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.push.SyncSession;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncProgress;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the syncs of one {@link CrossCloudSync} over its stores: the operations the direction
 * asks for in one {@link SyncSession} on one thread pool, then the account passes and the change
 * feed; keeps what the last sync left to report (its concurrency, counts, files left unread,
 * changes).
 */
final class SyncRunner {
    private final CountingStore central;
    private final CountingStore pullTarget;
    private final Retry retry;
    private final PendingSources sources;
    private final Map<String, SyncRecord> syncState;
    private final Object stateLock;
    private ConcurrencyLimit lastLimit;
    private SnapshotCounts lastCounts = new SnapshotCounts();
    private long lastFilesUnchanged;
    private List<PushChanges> lastChanges = List.of();
    /** The change log of the last sync, when it recorded its own: closed when the next one starts. */
    private ChangeLog ownChanges;

    /** @param syncState where tracked records go, guarded by {@code stateLock} */
    SyncRunner(CountingStore central, CountingStore pullTarget, Retry retry, PendingSources sources,
               Map<String, SyncRecord> syncState, Object stateLock) {
        this.central = central;
        this.pullTarget = pullTarget;
        this.retry = retry;
        this.sources = sources;
        this.syncState = syncState;
        this.stateLock = stateLock;
    }

    /**
     * One sync as {@link CrossCloudSync#sync()} describes it, with the options and settings it
     * had when it started.
     *
     * @param sharedChanges the change log the caller records; null to record this sync's own
     * @param sharedIndexes the push indexes the caller keeps across syncs; null for this sync's own
     */
    SyncResult run(SyncOptions run, Duration deadline, ResolveSettings resolveMissing, ChangeLog sharedChanges,
                   StoredIndexes sharedIndexes, SyncProgress progress) {
        long started = System.nanoTime();
        retry.deadlineIn(deadline);
        SyncDirection direction = run.config().syncDirection();
        List<SyncOperation> operations = new ArrayList<>(2);
        PendingSources.Push push = null;
        if (ownChanges != null) {
            ownChanges.close(); // the last sync's changes, spilled to disk, are no longer asked for
            ownChanges = null;
        }
        ChangeLog changes = sharedChanges != null ? sharedChanges : new ChangeLog(run.clock().instant());
        if (sharedChanges == null) {
            ownChanges = changes;
        }
        if (direction != SyncDirection.PULL) {
            push = sources.push(central, run, resolveMissing, changes, sharedIndexes);
            operations.add(push.operation());
        }
        if (direction != SyncDirection.PUSH) {
            operations.add(new PullOperation());
        }
        ConcurrencyLimit limit = run.config().adaptiveConcurrency() ? ConcurrencyLimit.adaptive()
                : ConcurrencyLimit.fixed(run.config().concurrency());
        lastLimit = limit;
        try (OrderedBatchRunner runner = new OrderedBatchRunner(limit)) {
            SyncSession session = new SyncSession(run, central, pullTarget, retry, runner, syncState, stateLock,
                    progress);
            for (SyncOperation operation : operations) {
                operation.run(session);
            }
            SyncResult result = session.tally().toResult((System.nanoTime() - started) / 1e9, direction);
            lastCounts = push == null ? new SnapshotCounts() : push.counts();
            lastFilesUnchanged = push == null ? 0 : push.operation().filesUnchanged();
            SyncResult finished = push == null ? result : push.finish(result);
            ChangeFeed.Recorded recorded = ChangeFeed.recordAll(central, retry, run.config().centralPrefix(),
                    sharedChanges != null ? null : changes, run.dryRun(), finished);
            lastChanges = recorded.pushes();
            return recorded.result();
        }
    }

    /** What the last sync counted of the lines it pushed, over all its sources. */
    SnapshotCounts lastCounts() {
        return lastCounts;
    }

    long lastFilesUnchanged() {
        return lastFilesUnchanged;
    }

    /** What the last sync changed; readable until the next sync starts. */
    List<PushChanges> lastChanges() {
        return lastChanges;
    }

    /** The parallelism of the last sync, as {@link ConcurrencyLimit#toString()} tells it; null before the first. */
    String concurrency() {
        return lastLimit == null ? null : lastLimit.toString();
    }
}
