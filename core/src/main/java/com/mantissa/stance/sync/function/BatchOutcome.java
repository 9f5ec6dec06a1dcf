package com.mantissa.stance.sync.function;

import java.util.List;
import java.util.Set;

/**
 * What a batch of events came to: the log lines to write and the events to deliver again.
 *
 * @param entries        one per account synced, schedule run, or ignored or rejected event
 * @param redeliverIds   the {@link FunctionEvent#id()}s the platform should deliver again
 */
public record BatchOutcome(List<LogEntry> entries, Set<String> redeliverIds) {

    /** Where a handler writes the lines: its platform's logger at the matching level. */
    @FunctionalInterface
    public interface LogSink {
        void write(LogEntry.Severity severity, String jsonLine);
    }

    public BatchOutcome {
        entries = List.copyOf(entries);
        redeliverIds = Set.copyOf(redeliverIds);
    }

    /** Whether any event of the batch should be delivered again. */
    public boolean redeliver() {
        return !redeliverIds.isEmpty();
    }

    /** Writes every line, one JSON object each. */
    public BatchOutcome log(LogSink sink) {
        for (LogEntry entry : entries) {
            sink.write(entry.severity(), entry.toJson());
        }
        return this;
    }

    /**
     * For platforms that redeliver a whole invocation: throws when any event should be
     * delivered again. Re-running the events that did succeed is cheap: the push index lets the
     * engine skip what central already holds.
     */
    public void throwIfRedelivery() {
        if (redeliver()) {
            throw new SyncFailedException(entries.stream().filter(LogEntry::redeliver).map(LogEntry::message)
                    .findFirst().orElse("stance-sync: transient failure"));
        }
    }
}
