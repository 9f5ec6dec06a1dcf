package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduled function's fan-out: one work message per source to the platform's queue
 * ({@code STANCE_WORK_QUEUE}), then return; queue-triggered workers push the sources, the
 * platform's concurrency giving the parallelism. Sources come from the sources file
 * ({@code STANCE_SOURCES_URI}) and from {@code STANCE_SOURCES}.
 */
public final class FanOut {
    public static final String WORK_QUEUE = Settings.WORK_QUEUE.env();

    /** What one tick sent; {@code errors} name bad lines of the sources file and failed sends. */
    public record Result(int sent, List<String> errors, boolean retryable, List<String> accounts) {
        /** @param accounts the accounts of every source read (sent or not): those that should report */
        public Result {
            accounts = List.copyOf(accounts);
        }

        public Result(int sent, List<String> errors, boolean retryable) {
            this(sent, errors, retryable, List.of());
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sent", sent);
            m.put("errors", errors);
            m.put("retryable", retryable);
            return m;
        }

        /** The tick's one log line: INFO when every source was sent, else ERROR naming the problems. */
        public LogEntry.Severity severity() {
            return errors.isEmpty() ? LogEntry.Severity.INFO : LogEntry.Severity.ERROR;
        }

        /** One JSON object, as the functions' other lines. */
        public String toJson() {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("severity", severity().name());
            line.put("message", "stance-sync schedule: " + sent + " source message(s) sent"
                    + (errors.isEmpty() ? "" : ", " + errors.size() + " error(s); first: " + errors.get(0)));
            line.putAll(toMap());
            return CanonicalJson.writeUnsorted(line);
        }
    }

    private FanOut() {
    }

    /**
     * The sources of {@code STANCE_SOURCES_URI} and {@code STANCE_SOURCES}, one message each to
     * {@code STANCE_WORK_QUEUE}.
     */
    public static Result tick(FunctionSettings settings) {
        try (Stores stores = new Stores(); WorkQueue queue = WorkQueues.open(settings.workQueue().orElseThrow())) {
            return enqueue(settings, settings.sourcesUri().orElse(null), queue, stores);
        }
    }

    /**
     * Sends one message per source.
     *
     * @param sourcesUri the sources file, or null for {@code STANCE_SOURCES} alone
     */
    public static Result enqueue(FunctionSettings settings, String sourcesUri, WorkQueue queue, Stores stores) {
        List<SourceSpec> sources = new ArrayList<>(settings.sources());
        List<String> errors = new ArrayList<>();
        if (sourcesUri != null && !sourcesUri.isBlank()) {
            SourcesFile.Contents contents = SourcesFile.read(stores, sourcesUri);
            sources.addAll(contents.sources());
            errors.addAll(contents.errors());
        }
        int sent = 0;
        boolean retryable = false;
        for (SourceSpec source : sources) {
            try {
                queue.send(WorkMessages.source(source, 0));
                sent++;
            } catch (QueueException e) {
                errors.add(source.location() + ": " + e.getMessage());
                retryable |= e.retryable();
            }
        }
        return new Result(sent, errors, retryable, sources.stream().map(SourceSpec::accountId).toList());
    }
}
