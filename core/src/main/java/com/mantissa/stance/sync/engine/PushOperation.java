package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * PUSH: streams every source batch by batch ({@code batch_size} records in memory at a time),
 * pushes each batch's records in parallel through {@link RecordPush}, and keeps one
 * {@link AccountIndex} per account, loaded before its first record and stored after the last.
 */
final class PushOperation implements SyncOperation {
    private final List<RecordSource> sources;

    PushOperation(List<RecordSource> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public void run(SyncSession session) {
        AccountIndexStore indexStore = new AccountIndexStore(session);
        RecordPush pusher = new RecordPush(session);
        int batchSize = session.config().batchSize();
        Map<String, AccountIndex> indexes = new LinkedHashMap<>();
        for (RecordSource source : sources) {
            AccountIndex index = indexes.computeIfAbsent(source.accountId(), indexStore::load);
            Function<RecordSource.Item, Outcome> work = item -> guarded(item.origin(),
                    () -> pusher.push(source, index, item));
            try (RecordSource.Items items = source.open()) {
                List<RecordSource.Item> batch = new ArrayList<>(Math.min(batchSize, 4096));
                while (items.hasNext()) {
                    batch.add(items.next());
                    if (batch.size() >= batchSize) {
                        runBatch(session, batch, work);
                        batch.clear();
                    }
                }
                runBatch(session, batch, work);
            } catch (IOException | UncheckedIOException | StorageException e) {
                session.tally().add(Outcome.error(source.name() + ": cannot read: " + Outcome.message(e),
                        e instanceof TransientStorageException));
            }
        }
        for (AccountIndex index : indexes.values()) {
            indexStore.store(index);
        }
    }

    private static void runBatch(SyncSession session, List<RecordSource.Item> batch,
                                 Function<RecordSource.Item, Outcome> work) {
        for (Outcome outcome : session.runner().map(batch, work, PushOperation::failed)) {
            session.record(outcome);
        }
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
