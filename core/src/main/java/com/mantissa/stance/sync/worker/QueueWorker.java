package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ResumablePush;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.PushNotifications;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.model.SuccessiveProgress;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncProgress;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Takes work messages from a queue and pushes what each names into central, the same work a
 * queue-triggered function does, so that it can run on any machine. A source message
 * ({@link WorkMessages}) is one push within the time budget; a push that runs out of time leaves
 * its checkpoint and sends a continuation message before the message is acknowledged. The
 * object-created events of a received batch are pushed as the functions push theirs: one sync
 * per account ({@link SyncFunction#handle}), so one index read and one index write.
 *
 * <p>Failure policy, as for the functions: a message whose work failed transiently (throttling,
 * 5xx, a store that did not answer) is left unacknowledged, so the queue delivers it again after
 * its visibility timeout and, after the queue's delivery limit, dead-letters it. Anything a
 * retry cannot fix (a malformed body, a missing scan, bad lines, a store that refuses) is
 * logged and acknowledged.
 */
public final class QueueWorker {
    /** The time one push may take in a function invocation, e.g. 5m; default: what the invocation has left. */
    public static final String TIME_BUDGET = Settings.TIME_BUDGET.env();
    /** What a push without a budget is assumed to take at most: Lambda's longest invocation. */
    static final Duration UNBOUNDED_PUSH = Duration.ofMinutes(15);

    /**
     * How the worker runs; {@code timeBudget} null means each push may take as long as it needs;
     * {@code batch} is how many messages one receive takes (the SQS limit is 10).
     */
    public record Options(Duration timeBudget, Duration exitWhenIdle, Duration visibility, int batch) {
        public Options {
            if (visibility == null) {
                Duration work = timeBudget == null ? UNBOUNDED_PUSH : timeBudget;
                visibility = work.multipliedBy(2).plusSeconds(30);
            }
            if (batch < 1 || batch > 10) {
                throw new IllegalArgumentException("a batch takes 1 to 10 messages, not " + batch);
            }
        }

        public Options(Duration timeBudget, Duration exitWhenIdle, Duration visibility) {
            this(timeBudget, exitWhenIdle, visibility, 10);
        }

        /** The longest one source push is expected to take: the budget, or a function's longest run. */
        Duration work() {
            return timeBudget == null ? UNBOUNDED_PUSH : timeBudget;
        }
    }

    /** Totals of one run; {@code requests} are central's, by kind: what the run cost. */
    public record Summary(long messages, long pushes, long continuations, long ignored, long failed,
                          long redeliveries, SyncResult result, RequestCounts requests) {
        /** Every message was done: none failed, none is left for redelivery. */
        public boolean success() {
            return failed == 0 && redeliveries == 0;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("success", success());
            m.put("messages", messages);
            m.put("pushes", pushes);
            m.put("continuations_sent", continuations);
            m.put("ignored", ignored);
            m.put("failed", failed);
            m.put("left_for_redelivery", redeliveries);
            m.put("result", result.toMap());
            m.put("requests", requests.toMap());
            return m;
        }
    }

    private final FunctionSettings settings;
    private final SyncFunction function;
    private final WorkQueue queue;
    private final Options options;
    private final WorkerLog log;
    private final Stores stores = new Stores();
    private long messages;
    private long pushes;
    private long continuations;
    private long ignored;
    private long failed;
    private long redeliveries;
    private SyncResult total = new SyncResult(0, 0, 0, List.of(), 0, SyncDirection.PUSH);
    private RequestCounts requests = RequestCounts.NONE;
    private SuccessiveProgress progress;
    private String platformAccount;

    public QueueWorker(FunctionSettings settings, WorkQueue queue, Options options, PrintWriter log) {
        this(settings, new SyncFunction(settings), queue, options, log);
    }

    public QueueWorker(FunctionSettings settings, SyncFunction function, WorkQueue queue, Options options, PrintWriter log) {
        this.settings = settings;
        this.function = function;
        this.queue = queue;
        this.options = options;
        this.log = new WorkerLog(log);
    }

    /** Shows the records pushed so far, counting on across every push of this worker. */
    public QueueWorker progress(SyncProgress display) {
        progress = new SuccessiveProgress(display);
        function.progress(progress);
        return this;
    }

    /** Logs only warnings and errors: no line for each source pushed or message ignored. */
    public QueueWorker quiet(boolean quiet) {
        log.quiet(quiet);
        return this;
    }

    /** The account of the events that name none: the one the function receiving them runs in. */
    public QueueWorker platformAccount(String account) {
        this.platformAccount = account;
        return this;
    }

    /**
     * As {@link #process(Map)} with the time budget of this call: a queue-triggered function
     * passes what its invocation has left, minus a margin ({@link #budget}).
     */
    public Set<String> process(Map<String, String> bodies, Duration timeBudget) {
        return process(bodies, timeBudget, () -> { });
    }

    /**
     * The time budget of a push in a function invocation: {@code STANCE_TIME_BUDGET} when set,
     * else the invocation's remaining time less a margin (a quarter of it, at most 30s) that
     * leaves time to write the checkpoint and send the continuation.
     */
    public static Duration budget(Map<String, String> env, Duration remaining) {
        Optional<Duration> set = Settings.TIME_BUDGET.from(env);
        if (set.isPresent()) {
            return set.get();
        }
        Duration margin = remaining.dividedBy(4);
        if (margin.compareTo(Duration.ofSeconds(30)) > 0) {
            margin = Duration.ofSeconds(30);
        }
        return remaining.minus(margin);
    }

    /**
     * The worker a queue-triggered function runs: settings from the STANCE_* variables,
     * continuations sent to {@code STANCE_WORK_QUEUE}, lines written to {@code log}.
     *
     * @throws IllegalArgumentException naming the variable that is missing or invalid
     */
    public static QueueWorker fromEnvironment(Map<String, String> env, PrintWriter log) {
        FunctionSettings settings = FunctionSettings.fromEnvironment(env);
        String queue = settings.workQueue().orElseThrow(() -> new ConfigurationException(FanOut.WORK_QUEUE
                + " is not set: the worker sends continuations there"));
        return new QueueWorker(settings, WorkQueues.open(queue),
                new Options(null, Duration.ofSeconds(1), null), log);
    }

    /** Works until the queue has stayed empty for {@code exitWhenIdle}. */
    public Summary run() {
        checkCentral();
        long idleSince = System.nanoTime();
        while (true) {
            long idle = System.nanoTime() - idleSince;
            long waitNanos = Math.min(options.exitWhenIdle().toNanos() - idle, Duration.ofSeconds(5).toNanos());
            if (waitNanos <= 0) {
                break;
            }
            List<QueueMessage> batch;
            long receivedAt = System.nanoTime();
            try {
                batch = queue.receive(options.batch(), options.visibility(), Duration.ofNanos(waitNanos));
            } catch (QueueException e) {
                if (!e.retryable()) {
                    throw e;
                }
                log.line("WARNING", "receive failed, trying again: " + e.getMessage(), null);
                sleep(Duration.ofSeconds(1));
                continue;
            }
            if (!batch.isEmpty()) {
                handle(batch, receivedAt);
                idleSince = System.nanoTime();
            }
        }
        stores.close();
        return summary();
    }

    /**
     * Stops before taking any message when central cannot be used at all (a missing bucket,
     * denied access): every message would fail, and acknowledging them would lose them. A
     * central folder is made, as the first write would make it.
     *
     * @throws ConfigurationException naming central and what is wrong with it
     */
    private void checkCentral() {
        if (settings.central().scheme() == StorageLocation.Scheme.FILE) {
            try {
                settings.central().createMissingFolder();
                return;
            } catch (java.io.IOException e) {
                throw new ConfigurationException(FunctionSettings.CENTRAL_URI + ": cannot create "
                        + settings.central().folder() + ": " + e.getMessage(), e);
            }
        }
        try {
            Central.at(stores.open(settings.central()), settings.config().centralPrefix()).probe();
        } catch (SyncAbortedException | PermanentStorageException e) {
            throw new ConfigurationException(FunctionSettings.CENTRAL_URI + ": " + e.getMessage(), e);
        }
    }

    /** The totals so far. */
    public Summary summary() {
        return new Summary(messages, pushes, continuations, ignored, failed, redeliveries, total, requests);
    }

    private void handle(List<QueueMessage> batch, long receivedAt) {
        ReceivedBatch received = new ReceivedBatch(queue, batch, receivedAt, options, log);
        received.settle(process(received.bodies(), options.timeBudget(), received::keepHidden), () -> redeliveries++);
    }

    /**
     * Does the work a batch of message bodies asks for, as a queue-triggered function does with
     * the messages its platform delivered: the created scan files the events name are pushed
     * by one sync per account ({@link SyncFunction#handle}); each source message is a
     * resumable push whose continuation goes to this worker's queue.
     *
     * @param bodies the message bodies by message id, in delivery order
     * @return the ids of the messages the platform should deliver again; all others are done
     */
    public Set<String> process(Map<String, String> bodies) {
        return process(bodies, options.timeBudget(), () -> { });
    }

    private Set<String> process(Map<String, String> bodies, Duration budget, Runnable beforeSourcePush) {
        Set<String> redeliver = new LinkedHashSet<>();
        List<FunctionEvent> events = new ArrayList<>();
        for (Map.Entry<String, String> message : bodies.entrySet()) {
            messages++;
            String id = message.getKey();
            // Rejected and ignored messages are logged and counted with the events, by the function.
            EventDecoder.Work work = EventDecoder.message(id, message.getValue(), platformAccount);
            for (EventDecoder.SourcePush source : work.sources()) {
                beforeSourcePush.run();
                if (!run(source, budget)) {
                    redeliver.add(id);
                }
            }
            events.addAll(work.events());
        }
        if (!events.isEmpty()) {
            BatchOutcome outcome = function.handle(events);
            outcome.log((severity, line) -> log.write(severity.name(), line));
            for (LogEntry entry : outcome.entries()) {
                switch (entry.outcome()) {
                    case IGNORED -> ignored++;
                    case FAILED -> failed += entry.redeliver() ? 0 : 1;
                    case SUCCEEDED -> { }
                }
                requests = requests.plus(entry.requests());
                if (entry.account() != null) {
                    pushes++;
                    total = total.plus(entry.result(), SyncDirection.PUSH);
                }
            }
            redeliver.addAll(outcome.redeliverIds());
        }
        return redeliver;
    }

    /** @return false when the work should be delivered again */
    private boolean run(EventDecoder.SourcePush work, Duration budget) {
        SourceSpec source = work.source();
        int continuation = work.continuation();
        String where = StorageLocation.redact(source.location().toString());
        try {
            StorageAdapter store = stores.open(source.location());
            Central central = Central.at(stores.open(settings.central()), settings.config().centralPrefix());
            ResumablePush push = central.resumablePush(source.pushedAs(settings.push())).progress(progress);
            ResumablePush.Outcome outcome = push.run(store, source.location().prefixOr(""),
                    source.location().toString(), source.accountId(), source.provider(), budget);
            PushNotifications.send(settings, push.lastChanges()).ifPresent(error -> {
                failed++;
                log.line("ERROR", where + ": " + error, null);
            });
            pushes++;
            total = total.plus(outcome.result(), SyncDirection.PUSH);
            requests = requests.plus(outcome.requests());
            if (outcome.needsContinuation()) {
                queue.send(WorkMessages.source(source, continuation + 1));
                continuations++;
                log.line("INFO", where + ": time budget used up; continuation " + (continuation + 1) + " sent", outcome);
                return true;
            }
            if (outcome.result().retryableErrors() > 0) {
                log.line("ERROR", where + ": transient failures; left for redelivery", outcome);
                return false;
            }
            if (!outcome.result().success()) {
                failed++;
            }
            log.line(outcome.result().success() ? "INFO" : "ERROR", where + ": pushed", outcome);
            return true;
        } catch (TransientStorageException e) {
            log.line("ERROR", where + ": " + e.getMessage() + "; left for redelivery", null);
            return false;
        } catch (SyncAbortedException | StorageException | IllegalArgumentException e) {
            failed++;
            log.line("ERROR", where + ": " + e.getMessage(), null);
            return true;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
