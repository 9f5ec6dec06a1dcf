package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.exec.OrderedBatchRunner;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.push.AccountIndexStore;
import com.mantissa.stance.sync.engine.push.PullOperation;
import com.mantissa.stance.sync.engine.push.PushOperation;
import com.mantissa.stance.sync.engine.push.SyncOperation;
import com.mantissa.stance.sync.engine.push.SyncOptions;
import com.mantissa.stance.sync.engine.push.SyncSession;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncProgress;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Synchronises findings and assets between local sources and central storage: the original's
 * API (sources in, {@link #sync()}, {@link #getSyncState()}, {@link #clear()}) over small parts.
 *
 * <p>Every write is conditional: a new record is created only if absent, an existing one is
 * replaced only if it still has the version that was read. Losing such a race re-reads and
 * re-resolves, so concurrent writers never lose each other's updates and {@code _version}
 * counts accepted writes. Sources are streamed batch by batch, so memory is bounded by
 * {@code batch_size} and not by the size of a scan.
 *
 * <p>How it is built: this class only collects sources ({@link PendingSources}) and options.
 * {@link #sync()} ({@link SyncRunner}) fixes the options in an immutable {@link SyncOptions},
 * opens a {@link SyncSession} (stores, retries,
 * one {@link OrderedBatchRunner} thread pool, the tally) and runs the operations the
 * direction asks for: {@link PushOperation} (with {@link RecordPush} per record and
 * {@link AccountIndexStore} for the push index) and {@link PullOperation}. Central records
 * are written and read by {@link CentralRecordCodec}. A new operation (resolving missing
 * records, export, prune, a resumable push) is one more {@link SyncOperation} run the same
 * way; it needs no change to the others.
 *
 * <p>PUSH keeps a per-account {@link PushIndex} in central under
 * {@code {central_prefix}/_state/{account_id}/}, read once per sync and written back once at
 * its end, so that a re-push spends requests only on what changed. The index is a cache and
 * never the truth; see {@link #useIndex(boolean)} for what it may and may not skip.
 */
public final class CrossCloudSync {
    private final CountingStore central;
    private final CountingStore pullTarget;
    private final Retry retry;
    private final Map<String, SyncRecord> syncState = new LinkedHashMap<>();
    private final PendingSources sources = new PendingSources();
    private final SyncRunner runner;
    private ResolveSettings resolveMissing;
    private SyncOptions options;
    private Duration deadline;
    private SyncProgress progress = SyncProgress.NONE;
    private Format format;
    private ChangeLog sharedChanges;
    private StoredIndexes sharedIndexes;

    /** A sync whose PULL only verifies central (the original's behaviour): no target store. */
    public CrossCloudSync(SyncConfig config, StorageAdapter central) {
        this(config, central, null);
    }

    /**
     * @param pullTarget where PULL copies verified central records, under the same keys; null
     *                   to verify only
     */
    public CrossCloudSync(SyncConfig config, StorageAdapter central, StorageAdapter pullTarget) {
        this.options = SyncOptions.builder(Objects.requireNonNull(config, "config")).build();
        this.central = new CountingStore(Objects.requireNonNull(central, "central storage"));
        this.pullTarget = pullTarget == null ? null : new CountingStore(pullTarget);
        this.retry = Retry.defaults();
        this.runner = new SyncRunner(this.central, this.pullTarget, retry, sources, syncState, this);
    }

    /** Runs the following syncs as {@code push} describes: index, index age, deadline, resolve pass, dry run. */
    public synchronized CrossCloudSync describe(PushDescription push) {
        options = options.toBuilder().dryRun(push.dryRun()).useIndex(push.useIndex())
                .indexMaxAge(push.indexMaxAge()).build();
        this.deadline = push.deadline();
        this.resolveMissing = push.resolve();
        this.format = push.format();
        return this;
    }

    /** Tells {@code changes} what the following syncs change, leaving it to the caller to record them. */
    synchronized CrossCloudSync shareChanges(ChangeLog changes) {
        this.sharedChanges = changes;
        return this;
    }

    /**
     * Reads and writes the accounts' push indexes through {@code indexes}, which the caller keeps
     * from one sync to the next: a push continued over several syncs reads each index once.
     */
    synchronized CrossCloudSync shareIndexes(StoredIndexes indexes) {
        this.sharedIndexes = indexes;
        return this;
    }

    /** Reports what would be written without writing anything. */
    public synchronized CrossCloudSync dryRun(boolean dryRun) {
        options = options.toBuilder().dryRun(dryRun).build();
        return this;
    }

    /**
     * Whether {@link #getSyncState()} remembers every record. A push of a multi-gigabyte scan
     * turns this off so that memory stays bounded by the batch.
     */
    public synchronized CrossCloudSync trackState(boolean trackState) {
        options = options.toBuilder().trackState(trackState).build();
        return this;
    }

    /**
     * Whether PUSH keeps the per-account state index (on by default). With it:
     * <ul>
     * <li>a record the index does not know is created if absent, without a prior read
     *     (1 request); if it exists after all, the push falls back to read-and-resolve;</li>
     * <li>a record whose content the index says central already holds is skipped without a
     *     request under LATEST_WINS and CENTRAL_WINS. Central may have been changed since by
     *     another writer; then that writer's record stays. For CENTRAL_WINS that is the rule
     *     itself. For LATEST_WINS a writer using LATEST_WINS only replaces ours with a strictly
     *     newer record, which a read would have kept too; only a record overwritten by an older
     *     one (LOCAL_WINS/MERGE writers, the original's blind writes) or deleted is not
     *     re-asserted until our record changes, and neither is one without a comparable
     *     {@code last_seen} (for which LATEST_WINS compares "now": last writer wins) after
     *     another writer's push. LOCAL_WINS promises that central mirrors local,
     *     so there it still reads (1 request) and re-asserts; MERGE needs central's content;</li>
     * <li>a changed record is replaced if central still holds the version the index names
     *     (1 request; LATEST_WINS decides from the time the index kept, exactly what a read of
     *     that version would give); if central moved on, the precondition fails and the push
     *     reads and resolves as without an index.</li>
     * </ul>
     * A missing, unreadable or corrupt index only costs requests. Dry runs never use it.
     */
    public synchronized CrossCloudSync useIndex(boolean useIndex) {
        options = options.toBuilder().useIndex(useIndex).build();
        return this;
    }

    /**
     * Takes each account's pushed scan files as its complete state ({@link ResolveMissingOperation});
     * null (the default) for none.
     */
    public synchronized CrossCloudSync resolveMissing(ResolveSettings settings) {
        this.resolveMissing = settings;
        return this;
    }

    /** What the last sync counted of the lines it pushed, over all its sources. */
    public synchronized SnapshotCounts lastCounts() {
        return runner.lastCounts();
    }

    /** Scan files the last {@link #sync()} did not read: the account's index showed them unchanged. */
    public synchronized long lastFilesUnchanged() {
        return runner.lastFilesUnchanged();
    }

    /** Findings the last sync wrote open that central held as resolved (with {@code _reopened_at}). */
    public synchronized long reopened() {
        return runner.lastCounts().reopenedCount();
    }

    /**
     * What the last sync changed in central's findings, per account pushed, as the change feed
     * recorded it; readable until the next sync starts (a large push's changes are read from disk).
     */
    public synchronized List<PushChanges> lastChanges() {
        return runner.lastChanges();
    }

    /** The resolve passes of the last sync. */
    public synchronized List<ResolveMissingResult> resolveResults() {
        return sources.lastResolves();
    }

    /**
     * How long a push index entry vouches for a record before the push looks at central
     * again (one read of that record, which also repairs it if it was deleted, edited or
     * corrupted out of band). Default {@link SyncOptions#DEFAULT_INDEX_MAX_AGE};
     * {@link Duration#ZERO} re-checks every record on every push.
     */
    public synchronized CrossCloudSync indexMaxAge(Duration maxAge) {
        options = options.toBuilder().indexMaxAge(Objects.requireNonNull(maxAge, "maxAge")).build();
        return this;
    }

    /**
     * A bound on the whole of each {@link #sync()}, counted from its start: after it no store
     * call makes another attempt, so a store that accepts connections and never answers ends
     * the sync with errors instead of hanging. {@code null} (the default) sets no bound.
     */
    public synchronized CrossCloudSync deadline(Duration budget) {
        if (budget != null && budget.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + budget);
        }
        this.deadline = budget;
        return this;
    }

    /** The central key of {@code accountId}'s push index. */
    public static String indexPath(String centralPrefix, String accountId) {
        return AccountIndexStore.indexPath(centralPrefix, accountId);
    }

    /** Told the records done after each batch of every following sync, for a progress display. */
    public synchronized CrossCloudSync progress(SyncProgress progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /** For tests: the clock that stamps {@code _synced_at}. */
    public synchronized CrossCloudSync clock(Clock clock) {
        options = options.toBuilder().clock(Objects.requireNonNull(clock)).build();
        return this;
    }

    public synchronized SyncConfig config() {
        return options.config();
    }

    /** The options the next {@link #sync()} runs with. */
    public synchronized SyncOptions options() {
        return options;
    }

    /** Findings as {@link Finding} objects or raw maps (as a scan line holds them). */
    public synchronized void addLocalFindings(Iterable<?> findings, String accountId, String provider) {
        sources.add(RecordSource.ofCollection(RecordKind.FINDING, findings, accountId, provider));
    }

    /** Assets as {@link Asset} objects or raw maps; ignored when {@code include_assets} is false. */
    public synchronized void addLocalAssets(Iterable<?> assets, String accountId, String provider) {
        if (options.config().includeAssets()) {
            sources.add(RecordSource.ofCollection(RecordKind.ASSET, assets, accountId, provider));
        }
    }

    /**
     * A scan file ({@code findings.jsonl}, {@code assets.jsonl}), opened and streamed only
     * during {@link #sync()}. Per-line errors name {@code displayName} and the line.
     */
    public synchronized void addScanFile(RecordKind kind, String displayName, ScanInput input, String accountId,
                                         String provider) {
        sources.addScanSource(new ScanLocator.ScanFile(kind, displayName, displayName), input, accountId, provider, -1,
                true, null, options);
    }

    /**
     * One located file (a Stance scan file, or one kind of a producer file), with its version for
     * the account's index to compare or remember (null for none).
     */
    synchronized void addScanFile(ScanLocator.ScanFile file, ScanInput input, String accountId, String provider,
                                  boolean reportsProblems, ScanFileVersion version) {
        sources.addScanSource(file, input, accountId, provider, -1, reportsProblems, version, options);
    }

    /** Scan files found by {@link ScanLocator} in {@code store}, streamed from it during the sync. */
    public synchronized void addScanFiles(StorageAdapter store, List<ScanLocator.ScanFile> files, String accountId,
                                          String provider) {
        sources.addScanFiles(store, files, accountId, provider, options, retry);
    }

    /**
     * The scan at {@code prefix} of {@code store} (a snapshot folder, one scan file, or a Stance
     * scan whose manifest names the latest snapshot), located now and streamed during the sync.
     *
     * @param kind the kind a loose file holds, or to push only; null to decide by the file names
     * @throws IllegalArgumentException when there is no scan at {@code prefix}
     */
    public synchronized void addScanLocation(StorageAdapter store, String prefix, RecordKind kind, String accountId,
                                             String provider) {
        addScanLocation(store, prefix, kind, format, accountId, provider);
    }

    /** As above, a single file read as {@code format} (null: as the description says). */
    public synchronized void addScanLocation(StorageAdapter store, String prefix, RecordKind kind, Format format,
                                             String accountId, String provider) {
        Format read = format != null ? format : this.format;
        addScanFiles(store, ScanLocator.locate(store, prefix, kind, read), accountId, provider);
    }

    /**
     * The scan file an object-created event named, when {@code key} is one by its name
     * ({@link ScanLocator#objectFiles}: a scan's {@code findings.jsonl}, {@code assets.jsonl}, a
     * producer's {@code *.ocsf.json}, {@code *.asff.json}).
     *
     * @return false, adding nothing, when the key is not a scan file
     */
    public synchronized boolean addScanObject(StorageAdapter store, String key, String accountId, String provider) {
        List<ScanLocator.ScanFile> files = ScanLocator.objectFiles(key, format);
        if (!files.isEmpty()) {
            addScanFiles(store, files, accountId, provider);
        }
        return !files.isEmpty();
    }

    /** Whether an object-created event for {@code key} names a scan file or a producer file this engine pushes. */
    public static boolean isScanFile(String key) {
        return !ScanLocator.objectFiles(key, null).isEmpty();
    }

    /** Opens a scan file's bytes; called once per sync. */
    @FunctionalInterface
    public interface ScanInput {
        InputStream open() throws IOException;
    }

    /**
     * Runs the configured direction: PUSH, PULL, or both (push first). Per-record problems
     * (bad lines, invalid records, a key a store cannot hold, transient failures that outlived
     * their retries) are errors of the result and the sync carries on; problems of the push
     * index only cost requests and are warnings of the result.
     *
     * @throws SyncAbortedException when central, the pull target or a scan's source store fails
     *                              as a whole (missing, denied, not a store), and when a pull
     *                              finds nothing at all under the central prefix (no records and
     *                              no push index: a prefix that does not exist)
     */
    public synchronized SyncResult sync() {
        return runner.run(options, deadline, resolveMissing, sharedChanges, sharedIndexes, progress);
    }

    /**
     * Store calls this instance repeated after a transient failure (throttling, 5xx, dropped
     * connections), over all its syncs. The SDKs make one attempt per call, so this counts every
     * repeated request.
     */
    public long retries() {
        return retry.retries();
    }

    /**
     * The parallelism of the last {@link #sync()}: its fixed value, or how an adaptive limit
     * ended ("adaptive, now 40 (highest 64, 3 throttled)"); null before the first sync.
     */
    public synchronized String concurrency() {
        return runner.concurrency();
    }

    /**
     * Requests this instance made to central and the pull target, by kind, over all its syncs:
     * every attempt, retries included (source reads are not counted: they are the spoke's).
     */
    public RequestCounts requests() {
        RequestCounts counts = central.counts();
        return pullTarget == null ? counts : counts.plus(pullTarget.counts());
    }

    /** A copy of id → record for everything this instance wrote, verified or found identical. */
    public synchronized Map<String, SyncRecord> getSyncState() {
        return new LinkedHashMap<>(syncState);
    }

    /** Drops pending records and the sync state. */
    public synchronized void clear() {
        sources.clear();
        syncState.clear();
    }
}
