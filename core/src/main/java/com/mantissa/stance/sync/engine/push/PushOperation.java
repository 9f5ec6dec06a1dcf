package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.index.AccountIndex;
import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.scan.KnownLines;
import com.mantissa.stance.sync.engine.index.ScanFileEntry;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.engine.scan.ScanFileVersion;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * PUSH: streams every source batch by batch ({@code batch_size} records in memory at a time),
 * pushes each batch's records in parallel through {@link RecordPush}, and keeps one
 * {@link AccountIndex} per account, loaded before its first record and stored after the last.
 * Counts each source's lines for its account's status as it goes ({@link SnapshotCounts}), so
 * that no one has to read the scan again to learn them. A scan file the index shows unchanged is
 * not read at all ({@link UnchangedScanFiles}).
 */
public final class PushOperation implements SyncOperation {
    /** Per source read: its records, those written, those failed. */
    private static final int RECORDS = 0;
    private static final int WRITTEN = 1;
    private static final int FAILED = 2;
    private final List<RecordSource> sources;
    private final Map<RecordSource, SnapshotCounts> counts = new IdentityHashMap<>();
    private long filesUnchanged;
    private final ChangeLog changes;
    private final StoredIndexes indexes;

    /**
     * @param changes told every finding change a write made, and each source's content digest; null for none
     * @param indexes what the sync already read of the accounts' indexes, and is told what the push writes
     */
    public PushOperation(List<RecordSource> sources, ChangeLog changes, StoredIndexes indexes) {
        this.sources = List.copyOf(sources);
        this.changes = changes;
        this.indexes = indexes;
    }

    @Override
    public void run(SyncSession session) {
        AccountIndexStore indexStore = new AccountIndexStore(session, indexes);
        RecordPush pusher = new RecordPush(session, changes);
        int batchSize = session.config().batchSize();
        Map<String, AccountIndex> indexes = new LinkedHashMap<>();
        counts.clear();
        long bytesToRead = bytesToRead();
        long bytesBefore = 0;
        filesUnchanged = 0;
        boolean fileSkips = UnchangedScanFiles.applies(session.options());
        long now = PushIndex.micros(session.options().clock().instant());
        for (RecordSource source : sources) {
            AccountIndex index = indexes.computeIfAbsent(source.accountId(), indexStore::load);
            ScanFileVersion file = fileSkips && index.enabled() ? source.fileVersion() : null;
            ScanFileEntry unchanged = UnchangedScanFiles.unchanged(file == null ? null : index.index, file, now,
                    pusher.indexMaxAgeMicros());
            if (unchanged != null) {
                counts.put(source, UnchangedScanFiles.counts(unchanged));
                session.skippedUnread(unchanged.records());
                filesUnchanged++;
                bytesBefore += Math.max(0, source.size());
                session.inputRead(bytesBefore, bytesToRead);
                session.reportProgress();
                continue;
            }
            SnapshotCounts counted = new SnapshotCounts();
            counts.put(source, counted);
            counted.reading(source.kind());
            long[] tally = new long[3];
            try (RecordSource.Items items = source.open(knownLines(session, index, source.kind(), pusher))) {
                List<RecordSource.Item> batch = new ArrayList<>(Math.min(batchSize, 4096));
                while (items.hasNext()) {
                    batch.add(items.next());
                    if (batch.size() >= batchSize) {
                        session.inputRead(bytesBefore + items.bytesRead(), bytesToRead);
                        runBatch(session, pusher, source, index, batch, counted, tally);
                        items.takeWarnings().forEach(session.tally()::warn);
                        batch.clear();
                    }
                }
                session.inputRead(bytesBefore + items.bytesRead(), bytesToRead);
                runBatch(session, pusher, source, index, batch, counted, tally);
                items.takeWarnings().forEach(session.tally()::warn);
                if (changes != null) {
                    changes.content(source.accountId(), source.provider(), items.contentDigest());
                }
            } catch (PermanentStorageException e) {
                throw StoreFailures.abort("source", source.name(), e);
            } catch (IOException | UncheckedIOException | StorageException e) {
                counted.unreadable(source.kind());
                tally[FAILED]++;
                session.tally().add(Outcome.error(source.name() + ": cannot read: " + Outcome.message(e),
                        e instanceof TransientStorageException));
            }
            if (file != null) {
                UnchangedScanFiles.afterRead(index, file, tally[RECORDS], tally[WRITTEN], tally[FAILED], counted, now);
            } else if (index.enabled() && (tally[WRITTEN] > 0 || tally[FAILED] > 0)) {
                // Records no remembered file holds: the account's next resolve pass must run.
                index.changed |= index.index.scanFiles().forgetResolvePasses();
            }
            bytesBefore += Math.max(0, source.size());
        }
        indexStore.reportReadWarnings();
        for (AccountIndex index : indexes.values()) {
            indexStore.store(index);
        }
    }

    /** Scan files the last run did not read because the index showed them unchanged. */
    public long filesUnchanged() {
        return filesUnchanged;
    }

    /** The bytes of all sources when each is a scan file of known size, else -1. */
    private long bytesToRead() {
        long sum = 0;
        for (RecordSource source : sources) {
            if (source.size() < 0) {
                return -1;
            }
            sum += source.size();
        }
        return sum;
    }

    /** What the last run counted of {@code source}; empty counts for a source it did not push. */
    public SnapshotCounts counts(RecordSource source) {
        return counts.getOrDefault(source, new SnapshotCounts());
    }

    /**
     * Recognises unchanged scan lines from their bytes where the canonical path would skip them
     * without a request anyway; null where it would not.
     */
    private static KnownLines knownLines(SyncSession session, AccountIndex index, RecordKind kind, RecordPush pusher) {
        ConflictResolution strategy = session.config().conflictResolution();
        boolean skipsUnchanged = strategy == ConflictResolution.LATEST_WINS
                || strategy == ConflictResolution.CENTRAL_WINS;
        if (!index.enabled() || !skipsUnchanged || session.options().dryRun() || session.options().trackState()) {
            return null;
        }
        return new KnownLines(index.index, kind, session.options().clock(), pusher.indexMaxAgeMicros());
    }

    /**
     * Pushes one batch in parallel, except that records with the same id (a duplicated id in
     * one scan) run one after another in input order within one task, each seeing what the
     * previous one left in central. Batches run one after another, so the outcome is the
     * one in-order processing gives, at any concurrency.
     */
    private static void runBatch(SyncSession session, RecordPush pusher, RecordSource source, AccountIndex index,
                                 List<RecordSource.Item> batch, SnapshotCounts counted, long[] tally) {
        Outcome[] inOrder = new Outcome[batch.size()];
        parseInParallel(session, source, batch);
        parseKnownLinesSharingAPath(session, source, batch);
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).known()) {
                // Central holds exactly this line's record, as the index vouches: no request.
                inOrder[i] = Outcome.skipped(null).counted(batch.get(i).line().counted());
                continue;
            }
            groups.computeIfAbsent(sameRecordKey(batch.get(i), i), k -> new ArrayList<>(1)).add(i);
        }
        List<List<Integer>> tasks = new ArrayList<>(groups.values());
        List<List<Outcome>> done = session.runner().map(tasks, group -> {
            List<Outcome> outcomes = new ArrayList<>(group.size());
            RecordPush.Memory memory = new RecordPush.Memory();
            for (int i : group) {
                RecordSource.Item item = batch.get(i);
                Outcome outcome = guarded(item.origin(), () -> pusher.push(source, index, item, memory));
                memory.remember(outcome);
                outcomes.add(outcome);
            }
            return outcomes;
        }, (group, e) -> Collections.nCopies(group.size(), failed(e)));
        for (int g = 0; g < tasks.size(); g++) {
            List<Integer> group = tasks.get(g);
            List<Outcome> outcomes = done.get(g);
            for (int j = 0; j < group.size(); j++) {
                inOrder[group.get(j)] = outcomes.get(j);
            }
        }
        for (int i = 0; i < inOrder.length; i++) {
            Outcome outcome = inOrder[i];
            // A record whose work failed unexpectedly is still counted as its line says.
            counted.add(outcome.counted() != null ? outcome.counted() : CountedAs.of(source.kind(),
                    batch.get(i).raw(), session.config().centralPrefix(), source.accountId()));
            if (outcome.reopened()) {
                counted.reopened();
            }
            session.record(outcome);
            tally[RECORDS]++;
            if (outcome.status() == Outcome.Status.SYNCED) {
                tally[WRITTEN]++;
            } else if (outcome.status() == Outcome.Status.ERROR) {
                tally[FAILED]++;
            }
        }
        session.reportProgress();
    }

    /** Parses the batch's scan lines that came as bytes, on the runner's threads. */
    private static void parseInParallel(SyncSession session, RecordSource source, List<RecordSource.Item> batch) {
        List<Integer> unparsed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).unparsed()) {
                unparsed.add(i);
            }
        }
        if (unparsed.isEmpty()) {
            return;
        }
        List<RecordSource.Item> parsed = session.runner().mapOnCores(unparsed, i -> source.parsed(batch.get(i)),
                (i, e) -> new RecordSource.Item(batch.get(i).origin(), null, failed(e).error()));
        for (int j = 0; j < unparsed.size(); j++) {
            batch.set(unparsed.get(j), parsed.get(j));
        }
    }

    /**
     * A line known from its bytes is skipped out of order, which is only right when no other
     * record of the batch lands on its path: such lines are parsed and pushed in order instead.
     */
    private static void parseKnownLinesSharingAPath(SyncSession session, RecordSource source,
                                                    List<RecordSource.Item> batch) {
        Set<PushIndex.Key> known = new HashSet<>();
        boolean others = false;
        for (RecordSource.Item item : batch) {
            if (item.known()) {
                known.add(item.line().known());
            } else {
                others = true;
            }
        }
        if (known.isEmpty() || !others) {
            return;
        }
        Set<PushIndex.Key> shared = new HashSet<>();
        for (RecordSource.Item item : batch) {
            if (!item.known() && sameRecordKey(item, -1) instanceof String id) {
                try {
                    PushIndex.Key key = PushIndex.key(source.kind().path(session.config().centralPrefix(),
                            source.accountId(), id));
                    if (known.contains(key)) {
                        shared.add(key);
                    }
                } catch (RuntimeException noPath) {
                    // Reported when the record itself is processed; it has no path to share.
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).known() && shared.contains(batch.get(i).line().known())) {
                batch.set(i, source.parsed(batch.get(i)));
            }
        }
    }

    /**
     * Records of one batch that land on the same central path share a key: the model keeps a
     * record's id as given, and the path is a function of it. Anything without a usable id
     * fails on its own, so it gets a key of its own.
     */
    private static Object sameRecordKey(RecordSource.Item item, int position) {
        try {
            if (item.raw() != null && item.raw().get("id") instanceof String id) {
                return id;
            }
        } catch (RuntimeException unreadable) {
            // Reported when the record itself is processed.
        }
        return position;
    }

    /**
     * Runs one record's work. Bad input is reported by the work itself (a record, JSON or key
     * error); whatever else escapes it is a bug, reported against the record as an unexpected
     * failure. A store-level abort ends the sync.
     */
    static Outcome guarded(String what, Supplier<Outcome> work) {
        try {
            return work.get();
        } catch (SyncAbortedException abort) {
            throw abort;
        } catch (RuntimeException bug) {
            return Outcome.unexpected(what, bug);
        }
    }

    /** The outcome of a record whose task failed outside {@link #guarded}: interrupted, or an Error. */
    static Outcome failed(Throwable e) {
        if (e instanceof InterruptedException) {
            return Outcome.error("sync interrupted", true);
        }
        return Outcome.unexpected(null, e);
    }
}
