package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.account.AccountPushPass;
import com.mantissa.stance.sync.engine.changes.ChangeFeed;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.push.Outcome;
import com.mantissa.stance.sync.engine.index.ScanFileEntry;
import com.mantissa.stance.sync.engine.push.PushCheckpoint;
import com.mantissa.stance.sync.engine.push.UnchangedScanFiles;
import com.mantissa.stance.sync.engine.scan.ScanChunks;
import com.mantissa.stance.sync.engine.scan.ScanFileReader;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.SuccessiveProgress;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A push of one source that fits any time budget: it runs batch by batch and, when the next
 * run of batches would not finish in the time left, stops at a batch boundary and keeps a
 * {@link PushCheckpoint} in central. The next run (the continuation) starts after the last
 * completed batch; a scan file whose version token changed meanwhile starts from its first line.
 *
 * <p>Why a resume never writes a record twice: a batch counts as done only after the engine
 * finished it without a transient failure, and only then does the checkpoint move past it; a
 * batch that did not finish is pushed again, and a record central already holds with the same
 * content is skipped, not rewritten, so its {@code _version} stays. A batch with transient
 * failures stops the run without moving the checkpoint, so no record is skipped either.
 */
public final class ResumablePush {
    private static final Logger LOG = Logger.getLogger(ResumablePush.class.getName());
    /** The most batches one run of the engine gets when a budget applies (memory: the run is buffered). */
    static final int MAX_BATCHES_PER_RUN = 16;

    private final PushDescription description;
    private final SyncConfig config;
    /** Central, counting every request of a run, its checkpoints' included. */
    private final CountingStore central;
    private LongSupplier nanoTime = System::nanoTime;
    private Clock clock = Clock.systemUTC();
    private ResolveMissingResult lastResolve;
    private List<PushChanges> lastChanges = List.of();
    private ChangeLog lastLog;
    private long deadlineAt = Long.MAX_VALUE;
    private SuccessiveProgress progress;

    /**
     * What one invocation did, the central requests it made, by kind, and the scan files it did not
     * read because the account's index showed them unchanged.
     */
    public record Outcome(SyncResult result, boolean finished, PushCheckpoint checkpoint, RequestCounts requests,
                          long filesUnchanged) {
        /** The push stopped for the budget and a continuation should follow. */
        public boolean needsContinuation() {
            return !finished && result.retryableErrors() == 0;
        }
    }

    ResumablePush(PushDescription description, StorageAdapter central) {
        this.description = description.withResolve(description.resolve());
        this.config = description.config();
        this.central = new CountingStore(Objects.requireNonNull(central, "central"));
    }

    /** Told the records pushed so far, counting on across the runs of the engine a push takes. */
    public ResumablePush progress(SuccessiveProgress progress) {
        this.progress = progress;
        return this;
    }

    /** For tests: the clock the budget is measured with. */
    ResumablePush nanoTime(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        return this;
    }

    /** For tests: the clock that stamps the account's status. */
    public ResumablePush clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /**
     * Pushes {@code files} of {@code source} from where the last invocation stopped.
     *
     * @param source a stable name of the source (its location), which keys the checkpoint
     * @param budget time this invocation may spend, or null for no limit
     */
    public Outcome run(StorageAdapter store, String prefix, String source, String account, String provider,
                       Duration budget) {
        return run(store, ScanLocator.locate(store, prefix, null, description.format()), source, account, provider,
                budget);
    }

    /** As {@link #run(StorageAdapter, String, String, String, String, Duration)}, for files located already. */
    public Outcome run(StorageAdapter store, List<ScanLocator.ScanFile> files, String source, String account,
                       String provider, Duration budget) {
        long started = nanoTime.getAsLong();
        RequestCounts requestsBefore = central.counts();
        long deadline = budget == null ? Long.MAX_VALUE : started + budget.toNanos();
        deadlineAt = description.deadline() == null ? Long.MAX_VALUE : started + description.deadline().toNanos();
        ResumablePushRun run = new ResumablePushRun(store, files, source, account, provider,
                PushCheckpoint.key(config.centralPrefix(), account, source), requestsBefore);
        if (lastLog != null) {
            lastLog.close(); // the last run's changes, spilled to disk, are no longer asked for
        }
        run.changes = new ChangeLog(clock.instant());
        lastLog = run.changes;
        run.changes.snapshot(account, provider, AccountPushPass.snapshotOf(files));
        UnchangedScanFiles unchanged = new UnchangedScanFiles(central, config.centralPrefix(), account,
                AccountPushPass.snapshotOf(files), !description.indexMaxAge().isZero()
                && UnchangedScanFiles.applies(config, description.useIndex(), description.dryRun(), false),
                description.indexMaxAge(), clock.instant(), run.indexes);
        PushCheckpoint previous = everyFileUnchanged(store, files, unchanged) ? null : load(run);
        if (previous != null) {
            run.counts = previous.counts();
            run.counted = previous.counted();
            run.invocations = previous.invocations() + 1;
        }
        double secondsPerLine = -1;
        boolean stopped = false;
        for (ScanLocator.ScanFile file : files) {
            ObjectMetadata meta = metadata(store, file);
            String version = ScanFileVersion.token(meta);
            String progressKey = progressKey(file);
            PushCheckpoint.FileProgress before = previous == null ? null : previous.progress(progressKey);
            if (before != null && !before.version().equals(version)) {
                LOG.info(() -> file.key() + " changed since the checkpoint: pushing it from the start");
                before = null;
                run.counts = PushCheckpoint.Counts.ZERO;
                run.counted = new SnapshotCounts();
            }
            PushCheckpoint.FileProgress at = before != null ? before
                    : new PushCheckpoint.FileProgress(progressKey, version, 0, 0, false);
            if (at.done() || stopped) {
                run.progress.add(at);
                continue;
            }
            ScanFileVersion fileVersion = at.line() > 0 ? null : unchanged.version(store, file, meta);
            ScanFileEntry same = fileVersion == null ? null : unchanged.entry(fileVersion);
            if (same != null) {
                run.progress.add(new PushCheckpoint.FileProgress(progressKey, version, 0, 0, true));
                run.counts = run.counts.plus(0, same.records(), 0, 0);
                run.counted.add(UnchangedScanFiles.counts(same));
                run.total = run.total.plus(new SyncResult(0, same.records(), 0, List.of(), 0, SyncDirection.PUSH),
                        SyncDirection.PUSH);
                run.filesUnchanged++;
                continue;
            }
            // Remembered by the run that reads the file's last line, with what the earlier runs pushed of it.
            long fileRecords = 0;
            SnapshotCounts fileCounts = new SnapshotCounts();
            boolean wholeFile = budget == null || file.producer() || file.key().toLowerCase(Locale.ROOT).endsWith(".json");
            try (InputStream in = store.openStream(file.key())) {
                in.skipNBytes(at.byteOffset());
                if (wholeFile) {
                    // No budget (or a JSON document, which is read whole anyway): the rest of the
                    // file streams through one run, never buffered.
                    long linesBefore = at.line();
                    if (!push(run, file, () -> new SequenceInputStream(new ScanChunks.EmptyLines(linesBefore), in),
                            fileVersion == null ? null : fileVersion.lastRunAfter(0, fileCounts))) {
                        run.progress.add(at);
                        return finish(run, false);
                    }
                    run.progress.add(new PushCheckpoint.FileProgress(progressKey, version, at.line(), at.byteOffset(),
                            true));
                    continue;
                }
                ScanChunks chunks = new ScanChunks(in, at.line(), at.byteOffset(), ScanFileReader.DEFAULT_MAX_LINE_BYTES);
                while (true) {
                    long lines = config.batchSize();
                    double left = (deadline - nanoTime.getAsLong()) / 1e9;
                    if (secondsPerLine >= 0) {
                        long batchesThatFit = (long) (left / (secondsPerLine * config.batchSize()) * 0.8);
                        lines = Math.max(1, Math.min(batchesThatFit, MAX_BATCHES_PER_RUN)) * (long) config.batchSize();
                    }
                    ScanChunks.Chunk chunk = chunks.next(lines);
                    if (chunk == null) {
                        at = new PushCheckpoint.FileProgress(progressKey, version, at.line(), at.byteOffset(), true);
                        break;
                    }
                    // Measured, not guessed: the lines actually read (a file's tail may be far less
                    // than a batch) at the time per line so far. The first run of every invocation
                    // goes ahead, so each invocation makes progress; a run that does not fit is left
                    // unread, and the checkpoint stays at the batch boundary before it.
                    long read = chunk.lastLine() - chunk.firstLine() + 1;
                    if (secondsPerLine >= 0 && read * secondsPerLine > left * 0.8) {
                        stopped = true;
                        break;
                    }
                    long runStarted = nanoTime.getAsLong();
                    ScanFileVersion completes = fileVersion != null && chunks.atEnd()
                            ? fileVersion.lastRunAfter(fileRecords, fileCounts) : null;
                    if (!push(run, file, chunk::open, completes)) {
                        run.progress.add(at);
                        return finish(run, false);
                    }
                    fileRecords += run.lastRecords;
                    fileCounts.add(run.lastCounted);
                    if (run.lastFailed) {
                        fileVersion = null; // a record failed: the file is not remembered
                    }
                    at = new PushCheckpoint.FileProgress(progressKey, version, chunk.lastLine(), chunk.endOffset(), false);
                    long taken = nanoTime.getAsLong() - runStarted;
                    secondsPerLine = Math.max(1e-7, taken / 1e9 / (chunk.lastLine() - chunk.firstLine() + 1));
                    List<PushCheckpoint.FileProgress> sofar = new ArrayList<>(run.progress);
                    sofar.add(at);
                    save(run.key, new PushCheckpoint(source, sofar, run.counts, run.counted, run.invocations));
                    run.stored = true;
                }
            } catch (IOException | UncheckedIOException e) {
                run.progress.add(at);
                run.total = run.total.plus(new SyncResult(0, 0, 0, List.of(file.displayName() + ": cannot read: "
                        + e.getMessage()), 0, SyncDirection.PUSH, 1), SyncDirection.PUSH);
                return finish(run, false);
            }
            run.progress.add(at);
        }
        return finish(run, !stopped);
    }

    /**
     * Pushes one run of lines under the description (its index age, the deadline left), adding
     * what it did to {@code run}; false when it had transient failures and must not move on.
     */
    private boolean push(ResumablePushRun run, ScanLocator.ScanFile file, CrossCloudSync.ScanInput input,
                         ScanFileVersion version) {
        long left = deadlineAt == Long.MAX_VALUE ? -1 : Math.max(1, deadlineAt - nanoTime.getAsLong());
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false).clock(clock).shareChanges(run.changes)
                .shareIndexes(run.indexes)
                .describe(description.withResolve(null).withDeadline(left < 0 ? null : Duration.ofNanos(left)));
        if (progress != null) {
            sync.progress(progress.next());
        }
        // A producer file is pushed once per kind; the reading of its first kind reports its problems.
        boolean reports = run.files.stream().filter(f -> f.key().equals(file.key())).findFirst().orElse(file) == file;
        sync.addScanFile(file, input, run.account, run.provider, reports, version);
        SyncResult r = sync.sync();
        run.lastRecords = r.recordsSynced() + r.recordsSkipped() + r.errors().size();
        run.lastCounted = sync.lastCounts();
        run.lastFailed = !r.errors().isEmpty();
        run.total = run.total.plus(r, SyncDirection.PUSH);
        if (r.retryableErrors() > 0) {
            return false;
        }
        run.counts = run.counts.plus(r.recordsSynced(), r.recordsSkipped(), r.conflictsResolved(), r.errors().size());
        run.counted.add(sync.lastCounts());
        return true;
    }

    private Outcome finish(ResumablePushRun run, boolean finished) {
        PushCheckpoint checkpoint = new PushCheckpoint(run.source, run.progress, run.counts, run.counted,
                run.invocations);
        SyncResult result = run.total;
        if (finished) {
            if (run.stored) {
                central.deleteRecord(run.key);
            }
            result = finishAccount(run, result);
        } else {
            save(run.key, checkpoint);
        }
        ChangeFeed.Recorded recorded = ChangeFeed.recordAll(central, Retry.defaults(), config.centralPrefix(),
                run.changes, description.dryRun(), result);
        lastChanges = recorded.pushes();
        result = recorded.result();
        return new Outcome(result, finished, checkpoint, central.counts().minus(run.requestsBefore),
                run.filesUnchanged);
    }

    /**
     * What a whole push does after its records, as any other push of the description: the
     * resolve pass over the snapshot (read once more, for its ids) and the account's status from
     * what every invocation counted. A resolve plan that is refused writes nothing of the pass.
     */
    private SyncResult finishAccount(ResumablePushRun run, SyncResult pushed) {
        if (description.dryRun()) {
            return pushed;
        }
        SnapshotCensus census = null;
        if (description.resolve() != null) {
            census = new SnapshotCensus(config.centralPrefix(), run.account);
            census.read(run.store, run.files, config.includeAssets());
        }
        AccountPushPass pass = AccountPushPass.prepare(central, config, run.account, run.provider, census,
                AccountPushPass.snapshotOf(run.files), description.resolve(), clock).recordChangesIn(run.changes);
        if (pass.refusal().isPresent()) {
            List<String> errors = new ArrayList<>(pushed.errors());
            errors.add("account '" + run.account + "': " + pass.refusal().get());
            return new SyncResult(pushed.recordsSynced(), pushed.recordsSkipped(), pushed.conflictsResolved(), errors,
                    pushed.durationSeconds(), pushed.syncDirection(), pushed.retryableErrors(), pushed.warnings());
        }
        AccountPushPass.Finished done = pass.finish(pushed, run.counted, false, description.useIndex());
        lastResolve = done.resolve();
        SyncResult r = done.result();
        if (pass.skipped().isPresent()) {
            List<String> errors = new ArrayList<>(r.errors());
            errors.add(pass.skipped().get());
            r = new SyncResult(r.recordsSynced(), r.recordsSkipped(), r.conflictsResolved(), errors,
                    r.durationSeconds(), r.syncDirection(), r.retryableErrors(), r.warnings());
        }
        long resolved = done.resolve() == null ? 0 : done.resolve().resolved();
        return resolved == 0 ? r : new SyncResult(r.recordsSynced() + resolved, r.recordsSkipped(),
                r.conflictsResolved(), r.errors(), r.durationSeconds(), r.syncDirection(), r.retryableErrors(),
                r.warnings());
    }

    /**
     * What the last invocation changed in central's findings, as the change feed recorded it:
     * one entry per run of the engine that changed something, and one for the resolve pass of
     * the push that finished. Readable until the next invocation of this push starts.
     */
    public List<PushChanges> lastChanges() {
        return lastChanges;
    }

    /** The resolve pass of the last push that finished; null when none ran. */
    public ResolveMissingResult lastResolve() {
        return lastResolve;
    }

    /**
     * Whether the account's index shows every file unchanged, by the metadata the locator read. The
     * source's checkpoint is then not read: the index remembers a file only once a run pushed it
     * whole, so no progress a checkpoint could hold is needed, and a checkpoint a crashed run left
     * behind is read by the next push that has a file to read.
     */
    private static boolean everyFileUnchanged(StorageAdapter store, List<ScanLocator.ScanFile> files,
                                              UnchangedScanFiles unchanged) {
        for (ScanLocator.ScanFile file : files) {
            ScanFileVersion version = file.metadata() == null ? null
                    : unchanged.version(store, file, file.metadata());
            if (version == null || unchanged.entry(version) == null) {
                return false;
            }
        }
        return !files.isEmpty();
    }

    /** The checkpoint of the run's source, or null; notes in the run whether any object is at the key. */
    private PushCheckpoint load(ResumablePushRun run) {
        String key = run.key;
        String source = run.source;
        Optional<StoredObject> stored = central.readRecord(key);
        if (stored.isEmpty()) {
            return null;
        }
        run.stored = true;
        try {
            PushCheckpoint checkpoint = PushCheckpoint.parse(stored.get().content());
            return checkpoint.source().equals(source) ? checkpoint : null;
        } catch (IllegalArgumentException corrupt) {
            // Starting again is always safe: records central already holds are skipped.
            LOG.log(Level.WARNING, "ignoring an unreadable push checkpoint " + key + ": " + corrupt.getMessage());
            return null;
        }
    }

    private void save(String key, PushCheckpoint checkpoint) {
        central.writeRecord(key, checkpoint.toBytes());
    }

    /** What a file's progress is kept under: its key, and for a producer file read once per kind, the kind too. */
    private static String progressKey(ScanLocator.ScanFile file) {
        return file.producer() ? file.key() + "#" + file.kind().folder() : file.key();
    }

    /**
     * The metadata of a scan file, whose version token ({@link ScanFileVersion#token}) keys its
     * progress: what the locator read when it has them.
     */
    static ObjectMetadata metadata(StorageAdapter store, ScanLocator.ScanFile file) {
        return file.metadata() != null ? file.metadata() : store.getMetadata(file.key())
                .orElseThrow(() -> new NotFoundException(store.location() + "/" + file.key() + " does not exist", null));
    }

}
