package com.mantissa.stance.sync.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OrderedBatchRunnerTest {
    private static final List<Integer> ITEMS = IntStream.range(0, 400).boxed().toList();

    /** Squares its item, holding it for a moment, and records the most items under way at once. */
    private static Function<Integer, Integer> squaring(AtomicInteger running, AtomicInteger most) {
        return i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return i * i;
        };
    }

    @Test
    void workThatOnlyComputesRunsOnOneWorkerPerCoreAndComesBackInOrder() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (OrderedBatchRunner runner = new OrderedBatchRunner(ConcurrencyLimit.fixed(32))) {
            List<Integer> squares = runner.mapOnCores(ITEMS, squaring(running, most), (i, e) -> -1);
            assertEquals(ITEMS.stream().map(i -> i * i).toList(), squares);
        }
        assertTrue(most.get() <= Runtime.getRuntime().availableProcessors(), "at most one per core, saw " + most);
    }

    @Test
    void requestsRunAsManyAtOnceAsTheLimitAllows() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (OrderedBatchRunner runner = new OrderedBatchRunner(ConcurrencyLimit.fixed(32))) {
            List<Integer> squares = runner.map(ITEMS, squaring(running, most), (i, e) -> -1);
            assertEquals(ITEMS.stream().map(i -> i * i).toList(), squares);
        }
        // Each item sleeps, so the pool's 32 threads overlap well beyond the cores.
        assertTrue(most.get() > Runtime.getRuntime().availableProcessors(), "more than one per core, saw " + most);
        assertTrue(most.get() <= 32, "at most the limit, saw " + most);
    }

    @Test
    void workersTheLimitLeavesOutAreNotStartedForEachBatch() {
        AtomicLong clock = new AtomicLong();
        ConcurrencyLimit limit = ConcurrencyLimit.adaptive(2, 2, 64, 2, clock::get);
        try (OrderedBatchRunner runner = new OrderedBatchRunner(limit)) {
            for (int batch = 0; batch < 5; batch++) {
                assertEquals(ITEMS.stream().map(i -> i * i).toList(), runner.map(ITEMS, i -> i * i, (i, e) -> -1));
            }
            // Two workers a batch, not the pool's 64 with 62 of them waiting for a place in the limit.
            assertEquals(10, runner.workersStarted());
        }
    }

    @Test
    void aLimitThatGrowsDuringABatchStartsItsNewWorkersInThatBatch() {
        ConcurrencyLimit limit = ConcurrencyLimit.adaptive(2, 2, 64, 2, System::nanoTime);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Function<Integer, Integer> squaring = squaring(running, most);
        try (OrderedBatchRunner runner = new OrderedBatchRunner(limit)) {
            // Each item is one store call of about 2 ms: the answer time holds, so the limit grows.
            List<Integer> squares = runner.map(ITEMS, i -> limit.measured(() -> squaring.apply(i)).get(),
                    (i, e) -> -1);
            assertEquals(ITEMS.stream().map(i -> i * i).toList(), squares);
            assertTrue(runner.workersStarted() > 2, "started " + runner.workersStarted());
        }
        assertTrue(limit.highest() > 2, "the limit grew to " + limit.highest());
        assertTrue(most.get() > 2, "the batch ran more than its first 2 at once, saw " + most);
    }

    @Test
    void aWorkerTheLimitShrinksBelowStopsAndTheOthersFinishTheBatch() {
        ConcurrencyLimit limit = ConcurrencyLimit.adaptive(16, 2, 64, 2, System::nanoTime);
        try (OrderedBatchRunner runner = new OrderedBatchRunner(limit)) {
            // Every call is throttled once (and answered on the spot): the limit halves down to 2.
            List<Integer> squares = runner.map(ITEMS, i -> {
                try {
                    limit.measured(() -> {
                        throw new TransientStorageException("503 SlowDown", null, true);
                    }).get();
                } catch (TransientStorageException throttled) {
                    // As Retry would, the record goes on.
                }
                return i * i;
            }, (i, e) -> -1);
            assertEquals(ITEMS.stream().map(i -> i * i).toList(), squares);
        }
        assertEquals(2, limit.limit());
    }
}
