package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.model.SyncProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Timer;
import java.util.TimerTask;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Progress of a long run on stderr. On a terminal: a progress bar (records done, of the total
 * when known, rate, ETA) once the run has taken {@link #TERMINAL_DELAY}, so quick runs print
 * nothing extra; rate and ETA are those of the whole run, as the plain line gives them. Elsewhere (a log file, CI): one plain line every {@link #LINE_INTERVAL}, as a
 * bar's carriage returns would fill a log. A push streams its scan, so its record total is not
 * known; the share of the scan's bytes read stands in for it (estimated total and ETA). An export
 * goes by the records the last export held.
 */
final class ProgressDisplay implements SyncProgress, AutoCloseable {
    static final Duration TERMINAL_DELAY = Duration.ofSeconds(2);
    static final Duration LINE_INTERVAL = Duration.ofSeconds(10);

    private final String task;
    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final long started;
    /** Where the bar is drawn; null for the library's own (stderr). */
    private final ProgressBarConsumer barOutput;
    private long lastLine;
    /** The share of the scan files read, when their sizes are known; else -1. */
    private double shareRead = -1;
    /** The records the run is expected to handle about, when it has a guide; else -1. */
    private long aboutTotal = -1;
    private long done;
    private long total = -1;
    /**
     * When the run is expected to end (nanoTime), from the share done at the last report; the
     * bar's ETA counts down to it between reports. Long.MIN_VALUE while there is no basis.
     */
    private volatile long expectedEnd = Long.MIN_VALUE;
    private ProgressBar bar;
    private Timer delay;
    private boolean closed;

    /**
     * @param nanoTime the clock ({@link System#nanoTime} but in tests)
     * @param interval how often a plain line is printed when stderr is not a terminal
     */
    ProgressDisplay(String task, PrintWriter err, boolean terminal, LongSupplier nanoTime, Duration interval) {
        this(task, err, terminal, nanoTime, interval, null);
    }

    ProgressDisplay(String task, PrintWriter err, boolean terminal, LongSupplier nanoTime, Duration interval,
                    ProgressBarConsumer barOutput) {
        this.task = task;
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.intervalNanos = interval.toNanos();
        this.started = nanoTime.getAsLong();
        this.lastLine = started;
        this.barOutput = barOutput;
    }

    /** The display for a run: nothing when quiet. */
    static ProgressDisplay of(String task, PrintWriter err, boolean terminal, boolean quiet) {
        if (quiet) {
            return null;
        }
        ProgressDisplay display = new ProgressDisplay(task, err, terminal, System::nanoTime, LINE_INTERVAL);
        if (terminal) {
            // The first report comes after the first batch, which can take many seconds on a
            // cloud store: the bar appears at its delay all the same, its clock already running.
            display.delay = new Timer("progress-bar", true);
            display.delay.schedule(new TimerTask() {
                @Override
                public void run() {
                    display.tick();
                }
            }, TERMINAL_DELAY.toMillis());
        }
        return display;
    }

    @Override
    public synchronized void bytesRead(long read, long size) {
        shareRead = size > 0 ? Math.min(1.0, (double) read / size) : -1;
    }

    @Override
    public synchronized void recordsExpectedAbout(long records) {
        aboutTotal = records;
    }

    /** The share of the run done, as the scan read or the expected total suggests; -1 if neither is known. */
    private double shareDone(long done) {
        if (shareRead > 0 || aboutTotal <= 0) {
            return shareRead;
        }
        return Math.min(1.0, (double) done / aboutTotal);
    }

    @Override
    public synchronized void recordsDone(long done, long total) {
        long now = nanoTime.getAsLong();
        double share = shareDone(done);
        this.done = done;
        this.total = total;
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : share;
        expectedEnd = fraction > 0 && done > 0 ? started + Math.round((now - started) / fraction) : Long.MIN_VALUE;
        if (terminal) {
            tick();
            if (bar != null) {
                if (total >= 0) {
                    bar.maxHint(total);
                } else if (share > 0) {
                    bar.maxHint(estimate(done, share));
                }
                bar.stepTo(done);
                bar.setExtraMessage(rate(done, now - started));
            }
        } else if (now - lastLine >= intervalNanos) {
            lastLine = now;
            err.println(line(task, done, total, share, now - started));
            err.flush();
        }
    }

    /** Shows the bar once the run has taken {@link #TERMINAL_DELAY}, with what is known so far. */
    synchronized void tick() {
        long now = nanoTime.getAsLong();
        if (!terminal || bar != null || closed || now - started < TERMINAL_DELAY.toNanos()) {
            return;
        }
        // Rate and ETA are the whole run's, from this clock: the library's own measure only the
        // time since the bar appeared (records done before it as if done at once) in whole seconds.
        // Redrawn every second, not only on a report, so that elapsed time and ETA move while a
        // slow batch runs.
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUnit(" records", 1).setEtaFunction(state -> eta()).continuousUpdate()
                .startsFrom(done, Duration.ofNanos(now - started));
        if (barOutput != null) {
            builder.setConsumer(barOutput);
        }
        bar = builder.build();
        bar.setExtraMessage(rate(done, now - started));
    }

    /** Time left until the end the last report projected; empty until a report gives a basis. */
    Optional<Duration> eta() {
        long end = expectedEnd;
        return end == Long.MIN_VALUE ? Optional.empty()
                : Optional.of(Duration.ofSeconds(Math.max(0, Math.round((end - nanoTime.getAsLong()) / 1e9))));
    }

    /** Redraws the bar now (the library otherwise redraws it once a second). */
    synchronized void refresh() {
        if (bar != null) {
            bar.refresh();
        }
    }

    private static String rate(long done, long elapsedNanos) {
        return elapsedNanos > 0 ? String.format(Locale.ROOT, "%.0f records/s", done / (elapsedNanos / 1e9)) : "";
    }

    /**
     * {@code push: 24000 of 120000 records, 2400 records/s, ETA 40 s} (total and ETA when known);
     * without a total, {@code of about} the records the share done so far suggests (of the scan
     * read, or of the expected total), and the ETA that share gives.
     */
    static String line(String task, long done, long total, double shareRead, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder s = new StringBuilder(task).append(": ").append(done);
        if (total >= 0) {
            s.append(" of ").append(total);
        } else if (shareRead > 0) {
            s.append(" of about ").append(estimate(done, shareRead));
        }
        s.append(" records, ").append(String.format(Locale.ROOT, "%.0f", rate)).append(" records/s");
        if (total >= done && rate > 0) {
            s.append(", ETA ").append(Math.round((total - done) / rate)).append(" s");
        } else if (total < 0 && shareRead > 0 && done > 0) {
            s.append(", ETA ").append(Math.round(seconds * (1 - shareRead) / shareRead)).append(" s");
        }
        return s.toString();
    }

    private static long estimate(long done, double shareRead) {
        return Math.max(done, Math.round(done / shareRead));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (delay != null) {
            delay.cancel();
        }
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * Whether this process's stderr is a terminal. Java has no isatty for stderr; on Linux the
     * file descriptor's link names a tty device; elsewhere a console means an interactive run.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException notLinux) {
            return System.console() != null;
        }
    }
}
