package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.ResumablePush;
import com.mantissa.stance.sync.engine.ScanLocator;
import com.mantissa.stance.sync.engine.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes work messages from a queue and pushes what each names into central, the same work a
 * queue-triggered function does, so that it can run on any machine: one source per message
 * ({@link WorkMessages}), each push within the time budget; a push that runs out of time leaves
 * its checkpoint and sends a continuation message before the message is acknowledged.
 *
 * <p>Failure policy, as for the functions: a message whose work failed transiently (throttling,
 * 5xx, a store that did not answer) is left unacknowledged, so the queue delivers it again after
 * its visibility timeout and, after the queue's delivery limit, dead-letters it. Anything a
 * retry cannot fix (a malformed body, a missing scan, bad lines, a store that refuses) is
 * logged and acknowledged.
 */
public final class QueueWorker {
    /** How the worker runs; {@code timeBudget} null means each push may take as long as it needs. */
    public record Options(Duration timeBudget, Duration exitWhenIdle, Duration visibility) {
        public Options {
            if (visibility == null) {
                Duration work = timeBudget == null ? Duration.ofMinutes(15) : timeBudget;
                visibility = work.multipliedBy(2).plusSeconds(30);
            }
        }
    }

    /** Totals of one run. */
    public record Summary(long messages, long pushes, long continuations, long ignored, long failed,
                          long redeliveries, SyncResult result) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("messages", messages);
            m.put("pushes", pushes);
            m.put("continuations_sent", continuations);
            m.put("ignored", ignored);
            m.put("failed", failed);
            m.put("left_for_redelivery", redeliveries);
            m.put("result", result.toMap());
            return m;
        }
    }

    private final FunctionSettings settings;
    private final WorkQueue queue;
    private final Options options;
    private final PrintWriter log;
    private final Stores stores = new Stores();
    private long messages;
    private long pushes;
    private long continuations;
    private long ignored;
    private long failed;
    private long redeliveries;
    private SyncResult total = new SyncResult(0, 0, 0, List.of(), 0, SyncDirection.PUSH);

    public QueueWorker(FunctionSettings settings, WorkQueue queue, Options options, PrintWriter log) {
        this.settings = settings;
        this.queue = queue;
        this.options = options;
        this.log = log;
    }

    /** Works until the queue has stayed empty for {@code exitWhenIdle}. */
    public Summary run() {
        long idleSince = System.nanoTime();
        while (true) {
            long idle = System.nanoTime() - idleSince;
            long waitNanos = Math.min(options.exitWhenIdle().toNanos() - idle, Duration.ofSeconds(5).toNanos());
            if (waitNanos <= 0) {
                break;
            }
            List<QueueMessage> batch;
            try {
                batch = queue.receive(1, options.visibility(), Duration.ofNanos(waitNanos));
            } catch (QueueException e) {
                if (!e.retryable()) {
                    throw e;
                }
                logLine("WARNING", "receive failed, trying again: " + e.getMessage(), null);
                sleep(Duration.ofSeconds(1));
                continue;
            }
            for (QueueMessage message : batch) {
                handle(message);
            }
            if (!batch.isEmpty()) {
                idleSince = System.nanoTime();
            }
        }
        stores.close();
        return new Summary(messages, pushes, continuations, ignored, failed, redeliveries, total);
    }

    private void handle(QueueMessage message) {
        if (process(message.id(), message.body())) {
            queue.ack(message);
        } else {
            redeliveries++;
        }
    }

    /**
     * Does the work one message body asks for, as a queue-triggered function does with the
     * message its platform delivered; a continuation goes to this worker's queue.
     *
     * @return true to acknowledge the message, false to have the platform deliver it again
     */
    public boolean process(String id, String body) {
        messages++;
        WorkMessages.Decoded decoded;
        try {
            decoded = WorkMessages.decode(body);
        } catch (IllegalArgumentException e) {
            failed++;
            logLine("ERROR", "rejected message " + id + ": " + e.getMessage(), null);
            return true;
        }
        if (decoded.work().isEmpty()) {
            ignored++;
            logLine("DEBUG", "ignored message " + id + ": " + decoded.ignoredBecause(), null);
            return true;
        }
        boolean done = true;
        for (WorkMessages.Work work : decoded.work()) {
            done &= run(work);
        }
        return done;
    }

    /** @return false when the work should be delivered again */
    private boolean run(WorkMessages.Work work) {
        SourceSpec source;
        int continuation = 0;
        if (work instanceof WorkMessages.SourceWork s) {
            source = s.source();
            continuation = s.continuation();
        } else {
            WorkMessages.ObjectWork o = (WorkMessages.ObjectWork) work;
            String account = settings.accountId().orElse(o.account());
            StorageLocation object;
            try {
                object = StorageLocation.parse(o.objectUri());
            } catch (IllegalArgumentException e) {
                failed++;
                logLine("ERROR", o.objectUri() + ": " + e.getMessage(), null);
                return true;
            }
            if (object.prefix() == null || ScanLocator.scanFileKind(object.prefix()).isEmpty()) {
                ignored++;
                logLine("DEBUG", "ignored " + o.objectUri() + ": not a scan file", null);
                return true;
            }
            if (account == null) {
                failed++;
                logLine("ERROR", o.objectUri() + ": no source account: set --account or " + FunctionSettings.ACCOUNT_ID, null);
                return true;
            }
            source = new SourceSpec(object, account, object.scheme().provider());
        }
        String where = StorageLocation.redact(source.location().toString());
        try {
            StorageAdapter store = stores.open(source.location());
            List<ScanLocator.ScanFile> files = ScanLocator.locate(store, source.location().prefixOr(""));
            ResumablePush.Outcome outcome = new ResumablePush(settings.config(), stores.open(settings.central()))
                    .run(store, files, source.location().toString(), source.accountId(), source.provider(),
                            options.timeBudget());
            pushes++;
            total = total.plus(outcome.result(), SyncDirection.PUSH);
            if (outcome.needsContinuation()) {
                queue.send(WorkMessages.source(source, continuation + 1));
                continuations++;
                logLine("INFO", where + ": time budget used up; continuation " + (continuation + 1) + " sent", outcome.result());
                return true;
            }
            if (outcome.result().retryableErrors() > 0) {
                logLine("ERROR", where + ": transient failures; left for redelivery", outcome.result());
                return false;
            }
            if (!outcome.result().success()) {
                failed++;
            }
            logLine(outcome.result().success() ? "INFO" : "ERROR", where + ": pushed", outcome.result());
            return true;
        } catch (TransientStorageException e) {
            logLine("ERROR", where + ": " + e.getMessage() + "; left for redelivery", null);
            return false;
        } catch (SyncAbortedException | StorageException | IllegalArgumentException e) {
            failed++;
            logLine("ERROR", where + ": " + e.getMessage(), null);
            return true;
        }
    }

    private void logLine(String severity, String message, SyncResult result) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", severity);
        line.put("message", "stance-sync worker: " + message);
        if (result != null) {
            line.put("result", result.toMap());
        }
        log.println(CanonicalJson.writeUnsorted(line));
        log.flush();
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
