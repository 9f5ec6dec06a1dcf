package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.push.Outcome;
import com.mantissa.stance.sync.engine.push.PushCheckpoint;
import com.mantissa.stance.sync.engine.scan.ScanChunks;
import com.mantissa.stance.sync.engine.scan.ScanFileReader;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
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

    private final SyncConfig config;
    /** Central, counting every request of a run, its checkpoints' included. */
    private final CountingStore central;
    private LongSupplier nanoTime = System::nanoTime;
    private SuccessiveProgress progress;

    /** What one invocation did, and the central requests it made, by kind. */
    public record Outcome(SyncResult result, boolean finished, PushCheckpoint checkpoint, RequestCounts requests) {
        /** The push stopped for the budget and a continuation should follow. */
        public boolean needsContinuation() {
            return !finished && result.retryableErrors() == 0;
        }
    }

    ResumablePush(SyncConfig config, StorageAdapter central) {
        this.config = config.toBuilder().syncDirection(SyncDirection.PUSH).build();
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

    /**
     * Pushes {@code files} of {@code source} from where the last invocation stopped.
     *
     * @param source a stable name of the source (its location), which keys the checkpoint
     * @param budget time this invocation may spend, or null for no limit
     */
    public Outcome run(StorageAdapter store, List<ScanLocator.ScanFile> files, String source, String account,
                       String provider, Duration budget) {
        long started = nanoTime.getAsLong();
        RequestCounts requestsBefore = central.counts();
        long deadline = budget == null ? Long.MAX_VALUE : started + budget.toNanos();
        String key = PushCheckpoint.key(config.centralPrefix(), account, source);
        boolean[] stored = {false};
        PushCheckpoint previous = load(key, source, stored);
        PushCheckpoint.Counts counts = previous == null ? PushCheckpoint.Counts.ZERO : previous.counts();
        int invocations = previous == null ? 1 : previous.invocations() + 1;
        List<PushCheckpoint.FileProgress> progress = new ArrayList<>();
        SyncResult total = new SyncResult(0, 0, 0, List.of(), 0, SyncDirection.PUSH);
        double secondsPerLine = -1;
        boolean stopped = false;
        for (ScanLocator.ScanFile file : files) {
            String version = version(store, file);
            PushCheckpoint.FileProgress before = previous == null ? null : previous.progress(file.key());
            if (before != null && !before.version().equals(version)) {
                LOG.info(() -> file.key() + " changed since the checkpoint: pushing it from the start");
                before = null;
                counts = PushCheckpoint.Counts.ZERO;
            }
            PushCheckpoint.FileProgress at = before != null ? before
                    : new PushCheckpoint.FileProgress(file.key(), version, 0, 0, false);
            if (at.done() || stopped) {
                progress.add(at);
                continue;
            }
            boolean wholeFile = budget == null || file.key().toLowerCase(Locale.ROOT).endsWith(".json");
            try (InputStream in = store.openStream(file.key())) {
                in.skipNBytes(at.byteOffset());
                if (wholeFile) {
                    // No budget (or a JSON document, which is read whole anyway): the rest of the
                    // file streams through one run, never buffered.
                    long linesBefore = at.line();
                    SyncResult r = push(file, () -> new SequenceInputStream(new ScanChunks.EmptyLines(linesBefore), in),
                            account, provider);
                    total = total.plus(r, SyncDirection.PUSH);
                    if (r.retryableErrors() > 0) {
                        progress.add(at);
                        return finish(key, source, progress, counts, invocations, total, false,
                                stored[0], requestsBefore);
                    }
                    counts = counts.plus(r.recordsSynced(), r.recordsSkipped(), r.conflictsResolved(), r.errors().size());
                    progress.add(new PushCheckpoint.FileProgress(file.key(), version, at.line(), at.byteOffset(), true));
                    continue;
                }
                ScanChunks chunks = new ScanChunks(in, at.line(), at.byteOffset(), ScanFileReader.DEFAULT_MAX_LINE_BYTES);
                while (true) {
                    long lines;
                    if (secondsPerLine < 0) {
                        // The first run of every invocation is one batch, so each invocation makes progress.
                        lines = config.batchSize();
                    } else {
                        double left = (deadline - nanoTime.getAsLong()) / 1e9;
                        long batchesThatFit = (long) (left / (secondsPerLine * config.batchSize()) * 0.8);
                        if (batchesThatFit < 1) {
                            // The file may be done already: then the push is complete, and no
                            // continuation has to start only to find that out.
                            if (chunks.atEnd()) {
                                at = new PushCheckpoint.FileProgress(file.key(), version, at.line(), at.byteOffset(), true);
                            } else {
                                stopped = true;
                            }
                            break;
                        }
                        lines = Math.min(batchesThatFit, MAX_BATCHES_PER_RUN) * (long) config.batchSize();
                    }
                    ScanChunks.Chunk chunk = chunks.next(lines);
                    if (chunk == null) {
                        at = new PushCheckpoint.FileProgress(file.key(), version, at.line(), at.byteOffset(), true);
                        break;
                    }
                    long runStarted = nanoTime.getAsLong();
                    SyncResult r = push(file, chunk::open, account, provider);
                    total = total.plus(r, SyncDirection.PUSH);
                    if (r.retryableErrors() > 0) {
                        progress.add(at);
                        return finish(key, source, progress, counts, invocations, total, false,
                                stored[0], requestsBefore);
                    }
                    counts = counts.plus(r.recordsSynced(), r.recordsSkipped(), r.conflictsResolved(), r.errors().size());
                    at = new PushCheckpoint.FileProgress(file.key(), version, chunk.lastLine(), chunk.endOffset(), false);
                    long taken = nanoTime.getAsLong() - runStarted;
                    secondsPerLine = Math.max(1e-7, taken / 1e9 / (chunk.lastLine() - chunk.firstLine() + 1));
                    List<PushCheckpoint.FileProgress> sofar = new ArrayList<>(progress);
                    sofar.add(at);
                    save(key, new PushCheckpoint(source, sofar, counts, invocations));
                    stored[0] = true;
                }
            } catch (IOException | UncheckedIOException e) {
                progress.add(at);
                total = total.plus(new SyncResult(0, 0, 0, List.of(file.displayName() + ": cannot read: " + e.getMessage()),
                        0, SyncDirection.PUSH, 1), SyncDirection.PUSH);
                return finish(key, source, progress, counts, invocations, total, false,
                        stored[0], requestsBefore);
            }
            progress.add(at);
        }
        return finish(key, source, progress, counts, invocations, total, !stopped,
                stored[0], requestsBefore);
    }

    private SyncResult push(ScanLocator.ScanFile file, CrossCloudSync.ScanInput input, String account, String provider) {
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false);
        if (progress != null) {
            sync.progress(progress.next());
        }
        sync.addScanFile(file.kind(), file.displayName(), input, account, provider);
        return sync.sync();
    }

    private Outcome finish(String key, String source, List<PushCheckpoint.FileProgress> progress,
                           PushCheckpoint.Counts counts, int invocations,
                           SyncResult result, boolean finished, boolean checkpointStored,
                           RequestCounts requestsBefore) {
        PushCheckpoint checkpoint = new PushCheckpoint(source, progress, counts, invocations);
        if (finished) {
            if (checkpointStored) {
                central.deleteRecord(key);
            }
        } else {
            save(key, checkpoint);
        }
        return new Outcome(result, finished, checkpoint, central.counts().minus(requestsBefore));
    }

    /** The checkpoint of {@code source}, or null; {@code exists[0]} tells whether any object is at the key. */
    private PushCheckpoint load(String key, String source, boolean[] exists) {
        Optional<StoredObject> stored = central.readRecord(key);
        if (stored.isEmpty()) {
            return null;
        }
        exists[0] = true;
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

    /**
     * The version token of a scan file: its etag, and on GCS its generation; from the metadata
     * the locator read when it has them.
     */
    static String version(StorageAdapter store, ScanLocator.ScanFile file) {
        ObjectMetadata meta = file.metadata() != null ? file.metadata() : store.getMetadata(file.key())
                .orElseThrow(() -> new NotFoundException(store.location() + "/" + file.key() + " does not exist", null));
        return (meta.etag() == null ? "" : meta.etag()) + (meta.generation() == null ? "" : "#" + meta.generation());
    }
}
