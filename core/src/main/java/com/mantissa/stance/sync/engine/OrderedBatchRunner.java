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
import java.util.function.BooleanSupplier;
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
 * <p>The pool has {@link ConcurrencyLimit#max()} threads; with an adaptive limit, worker
 * {@code w} takes its next item only while {@code w} is under the limit's current value, so the
 * limit decides how many items are under way at once. Items never run batches of their own, so a slot is never
 * held while waiting for another.
 */
final class OrderedBatchRunner implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;
    private final AtomicReference<SyncAbortedException> aborted = new AtomicReference<>();
    private final ConcurrencyLimit limit;

    OrderedBatchRunner(ConcurrencyLimit limit) {
        this.limit = limit;
        this.threads = limit.max();
        this.pool = Executors.newFixedThreadPool(threads, daemonThreads());
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
        return map(items, work, onFailure, threads, limit.isAdaptive());
    }

    /**
     * As {@link #map}, for work that only computes (parsing): one worker per core, whatever the
     * limit on requests, since more threads than cores only add switches between them.
     */
    <T, R> List<R> mapOnCores(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure) {
        return map(items, work, onFailure, Math.min(threads, CORES), false);
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private <T, R> List<R> map(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure,
                               int maxWorkers, boolean gated) {
        int n = items.size();
        List<R> results = new ArrayList<>(n);
        if (n == 0) {
            return results;
        }
        // At most one task per thread, each taking the next item until none is left: a free
        // thread still starts the next item at once (as a task per item would), without a
        // future and two queue operations per item.
        Object[] done = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(maxWorkers, n);
        List<Callable<Void>> tasks = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            tasks.add(() -> {
                BooleanSupplier workLeft = () -> next.get() < n && aborted.get() == null;
                while (true) {
                    if (gated && !limit.admit(worker, workLeft)) {
                        return null;
                    }
                    int i = next.getAndIncrement();
                    if (i >= n || aborted.get() != null) {
                        if (gated) {
                            limit.wakeWaiting(); // the workers the limit leaves out have nothing left either
                        }
                        return null;
                    }
                    long startedAt = gated ? limit.start() : 0;
                    try {
                        done[i] = work.apply(items.get(i));
                    } catch (SyncAbortedException e) {
                        aborted.compareAndSet(null, e);
                    } catch (Throwable e) {
                        failures[i] = e;
                    } finally {
                        if (gated) {
                            limit.release(startedAt);
                        }
                    }
                }
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            // Interrupted while waiting (invokeAll then cancels what still runs): no result stands.
            Thread.currentThread().interrupt();
            return allFailed(items, onFailure, e);
        } catch (ExecutionException e) {
            return allFailed(items, onFailure, e.getCause());
        }
        SyncAbortedException stop = aborted.get();
        if (stop != null) {
            throw stop;
        }
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            R result = failures[i] != null ? onFailure.apply(items.get(i), failures[i]) : (R) done[i];
            results.add(result);
        }
        return results;
    }

    private static <T, R> List<R> allFailed(List<T> items, BiFunction<T, Throwable, R> onFailure, Throwable e) {
        List<R> results = new ArrayList<>(items.size());
        for (T item : items) {
            results.add(onFailure.apply(item, e));
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
