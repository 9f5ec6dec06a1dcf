package com.mantissa.stance.sync.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs the items of one batch in parallel on a fixed pool and hands the results back in input
 * order, so that tallies, error lists and index updates are the same at any concurrency.
 *
 * <p>A {@link SyncAbortedException} thrown by one task stops the run: tasks not yet started
 * do not start, and the exception reaches the caller once the running ones have returned.
 * Any other exception is a bug, not bad input, and becomes the caller's "unexpected" result
 * for that item. One runner serves one sync; closing it stops its threads.
 *
 * <p>The pool has {@link ConcurrencyLimit#max()} threads; with an adaptive limit, each item
 * waits for a slot under the limit's current value before it runs, so the limit decides how
 * many items are under way at once. Items never run batches of their own, so a slot is never
 * held while waiting for another.
 */
final class OrderedBatchRunner implements AutoCloseable {
    private final ExecutorService pool;
    private final AtomicReference<SyncAbortedException> aborted = new AtomicReference<>();
    private final ConcurrencyLimit limit;

    OrderedBatchRunner(ConcurrencyLimit limit) {
        this.limit = limit;
        this.pool = Executors.newFixedThreadPool(limit.max(), daemonThreads());
    }

    ConcurrencyLimit limit() {
        return limit;
    }

    /**
     * @param work      runs once per item, on a pool thread
     * @param onFailure the result for an item whose work threw (a bug) or was interrupted
     * @return one result per item, in the order of {@code items}
     * @throws SyncAbortedException when any item's work threw it
     */
    <T, R> List<R> map(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure) {
        List<R> results = new ArrayList<>(items.size());
        if (items.isEmpty()) {
            return results;
        }
        List<Callable<R>> tasks = new ArrayList<>(items.size());
        for (T item : items) {
            tasks.add(() -> {
                SyncAbortedException stop = aborted.get();
                if (stop != null) {
                    throw stop;
                }
                boolean gated = limit.isAdaptive();
                if (gated) {
                    limit.acquire();
                }
                try {
                    return work.apply(item);
                } catch (SyncAbortedException e) {
                    aborted.compareAndSet(null, e);
                    throw e;
                } finally {
                    if (gated) {
                        limit.release();
                    }
                }
            });
        }
        List<Future<R>> futures;
        try {
            futures = pool.invokeAll(tasks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (T item : items) {
                results.add(onFailure.apply(item, e));
            }
            return results;
        }
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.add(onFailure.apply(items.get(i), e));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SyncAbortedException) {
                    continue;
                }
                results.add(onFailure.apply(items.get(i), e.getCause()));
            }
        }
        SyncAbortedException stop = aborted.get();
        if (stop != null) {
            throw stop;
        }
        return results;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "stance-sync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
