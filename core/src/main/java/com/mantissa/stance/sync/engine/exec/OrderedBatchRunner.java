package com.mantissa.stance.sync.engine.exec;

import com.mantissa.stance.sync.model.SyncAbortedException;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The pool has {@link ConcurrencyLimit#max()} threads; with an adaptive limit, worker
 * {@code w} is started, and takes its next item, only while {@code w} is under the limit's
 * current value, so the limit decides how many items are under way at once. Items never run
 * batches of their own, so a slot is never held while waiting for another.
 */
public final class OrderedBatchRunner implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;
    private final AtomicReference<SyncAbortedException> aborted = new AtomicReference<>();
    private final ConcurrencyLimit limit;
    /** Workers started over the runner's life, for tests: one a batch per worker within the limit. */
    private final AtomicInteger workersStarted = new AtomicInteger();

    public OrderedBatchRunner(ConcurrencyLimit limit) {
        this.limit = limit;
        this.threads = limit.max();
        this.pool = Executors.newFixedThreadPool(threads, daemonThreads());
    }

    public ConcurrencyLimit limit() {
        return limit;
    }

    int workersStarted() {
        return workersStarted.get();
    }

    /**
     * @param work      runs once per item, on a pool thread
     * @param onFailure the result for an item whose work threw (a bug) or was interrupted
     * @return one result per item, in the order of {@code items}
     * @throws SyncAbortedException when any item's work threw it
     */
    public <T, R> List<R> map(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure) {
        return map(items, work, onFailure, threads, limit.isAdaptive());
    }

    /**
     * As {@link #map}, for work that only computes (parsing): one worker per core, whatever the
     * limit on requests, since more threads than cores only add switches between them.
     */
    public <T, R> List<R> mapOnCores(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure) {
        return map(items, work, onFailure, Math.min(threads, CORES), false);
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private <T, R> List<R> map(List<T> items, Function<T, R> work, BiFunction<T, Throwable, R> onFailure,
                               int maxWorkers, boolean gated) {
        int n = items.size();
        if (n == 0) {
            return new ArrayList<>(0);
        }
        // At most one task per worker, each taking the next item until none is left: a free
        // worker still starts the next item at once (as a task per item would), without a
        // future and two queue operations per item.
        Batch<T, R> batch = new Batch<>(items, work, Math.min(maxWorkers, n), gated);
        try {
            batch.run();
        } catch (InterruptedException e) {
            // Interrupted while waiting: what still runs is cancelled, and no result stands.
            batch.cancel();
            Thread.currentThread().interrupt();
            return allFailed(items, onFailure, e);
        }
        if (batch.broken != null) {
            return allFailed(items, onFailure, batch.broken);
        }
        SyncAbortedException stop = aborted.get();
        if (stop != null) {
            throw stop;
        }
        List<R> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            R result = batch.failures[i] != null ? onFailure.apply(items.get(i), batch.failures[i]) : (R) batch.done[i];
            results.add(result);
        }
        return results;
    }

    /**
     * One map's items and workers. Gated by an adaptive limit, worker {@code w} works only while
     * {@code w} is under the limit, and is only started once it is: the workers the limit leaves
     * out are not woken for every batch just to wait (on a store that answers in microseconds,
     * waking 48 of them a batch made a push about 15 % slower). A worker whose item ends while the limit
     * allows more workers than are running starts them; one the limit has shrunk below stops, and
     * is started again if the limit grows back.
     */
    private final class Batch<T, R> {
        private final List<T> items;
        private final Function<T, R> work;
        private final int workers;
        private final boolean gated;
        final Object[] done;
        final Throwable[] failures;
        private final AtomicInteger next = new AtomicInteger();
        /** Workers started and not yet finished, by number; guarded by this. */
        private final boolean[] running;
        private volatile int runningCount;
        private final List<Future<?>> started = new ArrayList<>();
        private volatile boolean cancelled;
        /** What broke a worker outside its items' work (a bug in the runner); guarded by this. */
        Throwable broken;

        Batch(List<T> items, Function<T, R> work, int workers, boolean gated) {
            this.items = items;
            this.work = work;
            this.workers = workers;
            this.gated = gated;
            this.done = new Object[items.size()];
            this.failures = new Throwable[items.size()];
            this.running = new boolean[workers];
        }

        synchronized void run() throws InterruptedException {
            startWorkers(gated ? limit.allowed() : workers);
            while (runningCount > 0) {
                wait();
            }
        }

        synchronized void cancel() {
            cancelled = true;
            for (Future<?> f : started) {
                f.cancel(true);
            }
        }

        /** Starts the workers numbered below {@code allowed} that are not running, while items are left. */
        private synchronized void startWorkers(int allowed) {
            for (int w = 0; w < Math.min(allowed, workers) && next.get() < items.size() && !cancelled; w++) {
                if (!running[w]) {
                    running[w] = true;
                    runningCount++;
                    int worker = w;
                    workersStarted.incrementAndGet();
                    started.add(pool.submit(() -> work(worker)));
                }
            }
        }

        private void work(int worker) {
            try {
                while (!cancelled && aborted.get() == null && (!gated || worker < limit.allowed())) {
                    int i = next.getAndIncrement();
                    if (i >= items.size()) {
                        return;
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
                    if (gated && runningCount < Math.min(limit.allowed(), workers)) {
                        startWorkers(limit.allowed());
                    }
                }
            } catch (Throwable e) {
                synchronized (this) {
                    broken = broken == null ? e : broken;
                }
            } finally {
                synchronized (this) {
                    running[worker] = false;
                    runningCount--;
                    if (runningCount == 0) {
                        notifyAll();
                    }
                }
            }
        }
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
