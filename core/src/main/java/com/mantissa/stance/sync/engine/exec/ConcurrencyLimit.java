package com.mantissa.stance.sync.engine.exec;

import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How many records a sync works on at once: a fixed number, or, by default, a limit that
 * adapts to the store the way TCP's congestion control (and the AWS SDK's adaptive retry mode)
 * does. The store's answer time is what a sync waits for: at 25 ms a request, 4 records at once
 * push at most 160 a second and 64 at most 2,560, while a store that is already busy only
 * answers each request later when it is sent more.
 *
 * <p>The adaptive limit learns from every store attempt the engine makes (see
 * {@link #measured}). Samples are gathered in windows of {@code limit} attempts, about one round
 * trip of the whole limit, and each window's mean answer time is compared with the fastest
 * window seen, the store's answer time when nothing queues:
 * <ul>
 *   <li><b>latency holds</b> (mean within {@link #GROW_BELOW} × the fastest) and the limit was in
 *       use: the limit grows, doubling until the first sign of congestion ("slow start"), then
 *       by one per window;</li>
 *   <li><b>latency rose</b> (over {@link #SHRINK_ABOVE} × the fastest: requests queue in the store
 *       or the client): the limit shrinks by a tenth;</li>
 *   <li><b>throttled</b> (the store answered 429, 503 SlowDown or ServerBusy): the limit halves at
 *       once, at most once per window, since the requests already sent were sent at the old
 *       rate. The throttled request itself is retried by {@link Retry} like any transient
 *       failure.</li>
 *   <li><b>the cores are the bottleneck</b>: growth stops at what the machine's cores can keep
 *       busy. A record that spends a share {@code s} of the time it holds a slot waiting for the
 *       store keeps a core busy for the rest, so {@code cores / (1 - s)} records at once use every
 *       core, and more only queue for them. On a store that answers in microseconds (a local
 *       folder) {@code s} is near 0 and the limit stays where it is instead of climbing to
 *       {@code max} threads that compete for two cores; at 25 ms a request {@code s} is near 1 and
 *       this bound is far above {@code max}.</li>
 * </ul>
 * The limit stays within [{@code min}, {@code max}]; a store still slow at {@code min} has become
 * slower for good, and its answer time then is taken as the new fastest. Decisions depend only on the samples and
 * the slots' hold times, measured with the clock a test drives.
 *
 * <p>{@link #allowed()}, {@link #start()} and {@link #release(long)} are the gate the batch
 * runner puts around each record, on a pool of {@link #max()} worker threads numbered from 0:
 * worker {@code w} takes a record only while {@code w < allowed()}, so at most {@link #limit()}
 * records are under way at once. Gating by worker number rather than by a count of records under way means that the
 * workers within the limit never wait for each other: with a count, every record's end woke a
 * waiting thread to take the freed slot, one thread switch per record, which on a store that
 * answers in microseconds cost a fifth of the push.
 */
public final class ConcurrencyLimit {
    /** Where an adaptive limit starts: the former fixed default, measured well on every store. */
    static final int INITIAL = 16;
    static final int MIN = 2;
    /** The most records at once: the S3 client's connection cache holds 64. */
    static final int MAX = 64;
    /** A window whose mean answer time is within this factor of the fastest lets the limit grow. */
    static final double GROW_BELOW = 1.5;
    /** A window whose mean answer time is over this factor of the fastest makes the limit shrink. */
    static final double SHRINK_ABOVE = 2.0;
    static final double SHRINK_FACTOR = 0.9;
    static final double THROTTLE_FACTOR = 0.5;
    /**
     * Records per core beyond the cores' bound: a record also waits on what the store's answer
     * time does not show (the collector, page faults, the index's lock).
     */
    static final double CORE_HEADROOM = 2.0;

    private final boolean adaptive;
    private final int min;
    private final int max;
    private final int cores;
    private final LongSupplier nanoTime;
    private double limit;
    private boolean slowStart = true;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    /** {@code (int) limit}, read without the lock by the workers within it. */
    private volatile int allowed;
    private long windowSamples;
    private long windowNanos;
    /** Time records held a slot, ended in this window: start to release. */
    private final AtomicLong windowHoldNanos = new AtomicLong();
    private long fastestWindowNanos = Long.MAX_VALUE;
    private long completions;
    private long noThrottleCutBefore;
    private long throttles;
    private int highest;

    private ConcurrencyLimit(boolean adaptive, int initial, int min, int max, int cores, LongSupplier nanoTime) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
        }
        this.adaptive = adaptive;
        this.min = min;
        this.max = max;
        this.cores = cores;
        this.limit = initial;
        this.allowed = initial;
        this.highest = initial;
        this.nanoTime = nanoTime;
    }

    /** Exactly {@code n} records at once, whatever the store answers. */
    public static ConcurrencyLimit fixed(int n) {
        return new ConcurrencyLimit(false, n, n, n, 1, System::nanoTime);
    }

    /**
     * The default: starts at {@link #INITIAL}, adapts within [{@link #MIN}, {@link #MAX}] and
     * the cores this JVM may use.
     */
    public static ConcurrencyLimit adaptive() {
        return adaptive(INITIAL, MIN, MAX, Runtime.getRuntime().availableProcessors(), System::nanoTime);
    }

    /**
     * @param cores    the cores the records' own work shares
     * @param nanoTime times each attempt in {@link #measured} and each slot's hold; tests feed
     *                 samples directly or drive this clock instead
     */
    public static ConcurrencyLimit adaptive(int initial, int min, int max, int cores, LongSupplier nanoTime) {
        return new ConcurrencyLimit(true, initial, min, max, cores, nanoTime);
    }

    boolean isAdaptive() {
        return adaptive;
    }

    /** The records allowed under way at once now. */
    synchronized int limit() {
        return (int) limit;
    }

    /** The largest the limit has been. */
    synchronized int highest() {
        return highest;
    }

    /** Throttled answers seen (each one is retried, not reported). */
    synchronized long throttles() {
        return throttles;
    }

    /** The most the limit can reach: the size of the thread pool that serves it. */
    int max() {
        return max;
    }

    /**
     * The records allowed under way at once now, read without the lock: workers {@code 0} to
     * {@code allowed() - 1} may work (see {@link OrderedBatchRunner}).
     */
    int allowed() {
        return allowed;
    }

    /**
     * A worker within the limit starts a record: counts one more under way.
     *
     * @return when, for {@link #release(long)}
     */
    long start() {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return adaptive ? nanoTime.getAsLong() : 0;
    }

    /** One record is done; {@code startedAt} is what its {@link #start()} returned. */
    void release(long startedAt) {
        inFlight.decrementAndGet();
        if (adaptive) {
            windowHoldNanos.addAndGet(Math.max(0, nanoTime.getAsLong() - startedAt));
        }
    }

    /**
     * One store attempt, timed: its answer time is a sample, a throttled answer a throttle.
     * Wraps what {@link Retry} repeats, so every attempt counts once.
     */
    public <T> Supplier<T> measured(Supplier<T> attempt) {
        if (!adaptive) {
            return attempt;
        }
        return () -> {
            long start = nanoTime.getAsLong();
            T result;
            try {
                result = attempt.get();
            } catch (TransientStorageException e) {
                if (e.throttled()) {
                    onThrottle();
                }
                throw e;
            }
            onSample(nanoTime.getAsLong() - start);
            return result;
        };
    }

    /** A store attempt that succeeded after {@code nanos}. */
    synchronized void onSample(long nanos) {
        if (!adaptive) {
            return;
        }
        completions++;
        windowNanos += Math.max(1, nanos);
        windowSamples++;
        if (windowSamples < (long) limit) {
            return;
        }
        long mean = windowNanos / windowSamples;
        boolean inUse = peakInFlight.get() >= (int) limit;
        fastestWindowNanos = Math.min(fastestWindowNanos, mean);
        double ratio = mean / (double) fastestWindowNanos;
        if (ratio > SHRINK_ABOVE && (int) limit == min) {
            // Slow even with the fewest records under way: the store itself became slower (or
            // the machine busier), so this is its answer time now, and the limit may grow again.
            fastestWindowNanos = mean;
        } else if (ratio > SHRINK_ABOVE) {
            slowStart = false;
            setLimit(limit * SHRINK_FACTOR);
        } else if (ratio <= GROW_BELOW && inUse) {
            double grown = slowStart ? limit * 2 : limit + 1;
            setLimit(Math.max(limit, Math.min(grown, coresBound())));
        } else if (ratio > GROW_BELOW) {
            slowStart = false;
        }
        startWindow();
    }

    /**
     * The most records at once that the cores can serve, from this window's share of slot time
     * spent waiting for the store; unbounded when no slot was released in the window (nothing
     * to judge by) or when records did nothing but wait.
     */
    private double coresBound() {
        long holdNanos = windowHoldNanos.get();
        if (holdNanos <= windowNanos) {
            return Double.MAX_VALUE;
        }
        double storeShare = windowNanos / (double) holdNanos;
        return CORE_HEADROOM * cores / (1 - storeShare);
    }

    /** The store refused an attempt because too many were sent. */
    synchronized void onThrottle() {
        if (!adaptive) {
            return;
        }
        throttles++;
        completions++;
        slowStart = false;
        if (completions < noThrottleCutBefore) {
            return; // sent before the last cut: the store is answering the old rate
        }
        setLimit(limit * THROTTLE_FACTOR);
        noThrottleCutBefore = completions + (long) limit;
        startWindow();
    }

    /** Samples, slot time and the peak under way count from now on. */
    private void startWindow() {
        windowSamples = 0;
        windowNanos = 0;
        windowHoldNanos.set(0);
        peakInFlight.set(inFlight.get());
    }

    private void setLimit(double value) {
        limit = Math.max(min, Math.min(max, value));
        highest = Math.max(highest, (int) limit);
        allowed = (int) limit;
        notifyAll(); // workers the limit now includes take records again
    }

    @Override
    public synchronized String toString() {
        return adaptive ? "adaptive, now " + (int) limit + " (highest " + highest + ", " + throttles + " throttled)"
                : Integer.toString((int) limit);
    }
}
