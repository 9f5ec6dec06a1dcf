package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
}
