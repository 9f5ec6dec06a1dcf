package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.storage.Stores;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one scheduled tick of every cloud: with a work queue ({@code STANCE_WORK_QUEUE}) the
 * sources are fanned out to it, one message each, for the queue's workers to push; without one
 * they are caught up here. Either way the tick then runs the pull and the lifecycle (export,
 * stale accounts) that are configured, so a deployment that fans out exports and warns as one
 * that does not. A handler calls {@link #run} and writes the outcome's lines.
 */
public final class ScheduledTick {
    private ScheduledTick() {
    }

    /**
     * Runs one tick; never throws for a misconfiguration or a store failure (both are lines of
     * the outcome). The tick is delivered again only when a send or push failed transiently.
     */
    public static BatchOutcome run(SyncFunction function, String id, String trigger) {
        FunctionSettings settings = function.settings().orElse(null);
        if (settings == null || settings.workQueue().isEmpty()) {
            if (settings == null || settings.sourcesUri().isEmpty()) {
                return function.tick(id, trigger, settings == null ? List.of() : settings.sources(), false);
            }
            SourcesFile.Contents file;
            try (Stores stores = new Stores()) {
                file = SourcesFile.read(stores, settings.sourcesUri().get());
            } catch (RuntimeException e) {
                SyncResult result = new SyncResult(0, 0, 0, List.of("sources file: " + e.getMessage()), 0,
                        SyncDirection.PUSH);
                return new BatchOutcome(List.of(new LogEntry(trigger, List.of(), null, LogEntry.Outcome.FAILED, false,
                        result)), Set.of());
            }
            List<SourceSpec> sources = new ArrayList<>(settings.sources());
            sources.addAll(file.sources());
            // The sources are the accounts that should report: the schedule warns of each that never did.
            BatchOutcome outcome = function.tick(id, trigger, sources, false,
                    sources.stream().map(SourceSpec::accountId).toList());
            if (file.errors().isEmpty()) {
                return outcome;
            }
            List<LogEntry> entries = new ArrayList<>(outcome.entries());
            entries.add(new LogEntry(trigger + ": sources file", List.of(), null, LogEntry.Outcome.FAILED, false,
                    new SyncResult(0, 0, 0, file.errors(), 0, SyncDirection.PUSH)));
            return new BatchOutcome(entries, outcome.redeliverIds());
        }
        List<LogEntry> entries = new ArrayList<>();
        Set<String> redeliver = new HashSet<>();
        List<String> expected = null;
        try {
            FanOut.Result sent = FanOut.tick(settings);
            expected = sent.accounts().isEmpty() ? null : sent.accounts();
            SyncResult result = new SyncResult(0, 0, 0, sent.errors(), 0, SyncDirection.PUSH, sent.retryable() ? 1 : 0);
            entries.add(new LogEntry(trigger + ": " + sent.sent() + " source message(s) sent", List.of(), null,
                    sent.errors().isEmpty() ? LogEntry.Outcome.SUCCEEDED : LogEntry.Outcome.FAILED, sent.retryable(),
                    result));
            if (sent.retryable()) {
                redeliver.add(id);
            }
        } catch (ConfigurationException | com.mantissa.stance.sync.queue.QueueException e) {
            SyncResult result = new SyncResult(0, 0, 0, List.of("fan-out: " + e.getMessage()), 0, SyncDirection.PUSH);
            entries.add(new LogEntry(trigger, List.of(), null, LogEntry.Outcome.FAILED, false, result));
        }
        BatchOutcome rest = function.tick(id, trigger, List.of(), true, expected);
        entries.addAll(rest.entries());
        redeliver.addAll(rest.redeliverIds());
        return new BatchOutcome(entries, redeliver);
    }
}
