package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.MalformedEventException;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The queue worker of a queue-triggered function, the same on every cloud: built from the
 * STANCE_* variables on the first message that needs it (a deployment without a work queue
 * never does), its lines written to the invocation's logger at their severity, and the
 * platform told which messages to deliver again.
 *
 * <p>A misconfigured worker is one error line per invocation and acknowledges its messages:
 * no redelivery fixes a setting, and the scheduled fan-out sends the sources again once it is
 * fixed. The construction is tried again on the next invocation, so a fixed setting takes
 * effect with the next instance.
 */
public final class WorkerStartup {
    private final Map<String, String> env;
    private final String platformAccount;
    private final SinkWriter lines = new SinkWriter();
    private QueueWorker worker;

    /**
     * @param platformAccount the account the function runs in, for events that name none (a GCS
     *                        notification names no project); null where the platform does not say
     */
    public WorkerStartup(Map<String, String> env, String platformAccount) {
        this.env = Map.copyOf(env);
        this.platformAccount = platformAccount;
    }

    /**
     * Does the work the message bodies ask for within what the invocation has left.
     *
     * @param bodies    the bodies by message id, in delivery order
     * @param remaining the time the invocation has left (the budget is {@code STANCE_TIME_BUDGET}
     *                  when set, else this less a margin: {@link QueueWorker#budget})
     * @param log       the invocation's logger
     * @return the ids of the messages to deliver again
     */
    public synchronized Set<String> process(Map<String, String> bodies, Duration remaining, BatchOutcome.LogSink log) {
        lines.sink = log;
        try {
            Duration budget;
            try {
                if (worker == null) {
                    worker = QueueWorker.fromEnvironment(env, new PrintWriter(lines, true)).platformAccount(platformAccount);
                }
                budget = QueueWorker.budget(env, remaining);
            } catch (IllegalArgumentException e) {
                line(log, LogEntry.Severity.ERROR, "configuration: " + e.getMessage());
                return Set.of();
            }
            return worker.process(bodies, budget);
        } finally {
            lines.sink = null;
        }
    }

    /**
     * {@link #process} of one message, for platforms that deliver one per invocation and deliver
     * it again when the invocation fails.
     *
     * @throws SyncFailedException when the message should be delivered again
     */
    public void processOrThrow(String id, String body, Duration remaining, BatchOutcome.LogSink log) {
        if (!process(Map.of(id, body), remaining, log).isEmpty()) {
            throw new SyncFailedException("stance-sync worker: message " + id + " left for redelivery");
        }
    }

    /** One line about a delivery that never reaches the worker: an envelope that cannot be read, or one to ignore. */
    public static void line(BatchOutcome.LogSink log, LogEntry.Severity severity, String message) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", severity.name());
        line.put("message", "stance-sync worker: " + message);
        log.write(severity, CanonicalJson.writeUnsorted(line));
    }

    /** The worker's lines, one JSON object each, handed to the current invocation's logger at their severity. */
    private static final class SinkWriter extends Writer {
        private final StringBuilder pending = new StringBuilder();
        private BatchOutcome.LogSink sink;

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n') {
                    emit();
                } else if (c != '\r') {
                    pending.append(c);
                }
            }
        }

        private void emit() {
            String text = pending.toString();
            pending.setLength(0);
            if (!text.isBlank() && sink != null) {
                sink.write(severity(text), text);
            }
        }

        private static LogEntry.Severity severity(String line) {
            String severity;
            try {
                severity = EventJson.optionalText(EventJson.parse(line), "severity");
            } catch (MalformedEventException notJson) {
                return LogEntry.Severity.INFO;
            }
            // A warning (a receive to try again, an extension that failed) is shown with the errors.
            return "DEBUG".equals(severity) ? LogEntry.Severity.DEBUG
                    : "INFO".equals(severity) || severity == null ? LogEntry.Severity.INFO : LogEntry.Severity.ERROR;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            emit();
        }
    }
}
