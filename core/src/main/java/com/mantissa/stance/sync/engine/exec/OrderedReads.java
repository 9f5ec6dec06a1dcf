package com.mantissa.stance.sync.engine.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one store call per key on a few threads and hands the results back in key order, at
 * most {@code window} at a time: what the central-wide operations (export, prune, resolve)
 * need to go at the store's speed with memory bounded by the window, not by central.
 */
public final class OrderedReads implements AutoCloseable {
    private final ExecutorService pool;
    private final int window;

    public OrderedReads(int threads, int window) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "stance-sync-op-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.window = Math.max(1, window);
    }

    /**
     * Applies {@code work} to every key and {@code sink} to each result in input order. A
     * failure of {@code work} other than the ones it turns into results itself stops the run.
     */
    public <T> void run(List<String> keys, Function<String, T> work, Consumer<T> sink) {
        for (int from = 0; from < keys.size(); from += window) {
            List<Callable<T>> tasks = new ArrayList<>();
            for (String key : keys.subList(from, Math.min(keys.size(), from + window))) {
                tasks.add(() -> work.apply(key));
            }
            List<Future<T>> futures;
            try {
                futures = pool.invokeAll(tasks);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            for (Future<T> future : futures) {
                try {
                    sink.accept(future.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
