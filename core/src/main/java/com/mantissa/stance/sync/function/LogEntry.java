package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.RequestCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line of a function's log: an account's sync over the objects of a batch, a schedule run,
 * or one event that was ignored or rejected. Written as one JSON object in the shape Cloud
 * Logging reads ({@code severity}, {@code message}); CloudWatch and Application Insights take
 * it as it is.
 *
 * @param trigger   what started the work ("object-created", "schedule …")
 * @param objects   the objects the line is about (empty for a schedule run)
 * @param account   the spoke account a sync ran for; null otherwise
 * @param outcome   what became of the work
 * @param redeliver whether the platform is asked to deliver the events again
 * @param result    the sync's result; for an ignored or rejected event, its one reason
 * @param requests  the store requests the work made, by kind: what it cost
 * @param resolve   what the push's resolve passes and reopenings did ({@link #resolveSummary}); null for none
 */
public record LogEntry(String trigger, List<String> objects, String account, Outcome outcome, boolean redeliver,
                       SyncResult result, RequestCounts requests, Map<String, Object> resolve) {

    /** Error messages kept verbatim in one line; the count says how many there were. */
    static final int LOGGED_ERRORS = 100;

    /** What became of an event or a sync. */
    public enum Outcome {
        /** Not a scan file, not an event this function acts on: nothing to do. */
        IGNORED,
        /** Synced without errors. */
        SUCCEEDED,
        /** Finished with errors: per-record errors, or the whole event rejected. */
        FAILED
    }

    /** How loud the line is; each handler maps it onto its platform's log levels. */
    public enum Severity { DEBUG, INFO, ERROR }

    public LogEntry {
        objects = List.copyOf(objects);
        requests = requests == null ? RequestCounts.NONE : requests;
    }

    /** A line for work that made no store request. */
    public LogEntry(String trigger, List<String> objects, String account, Outcome outcome, boolean redeliver,
                    SyncResult result) {
        this(trigger, objects, account, outcome, redeliver, result, RequestCounts.NONE, null);
    }

    /** A line without a resolve pass. */
    public LogEntry(String trigger, List<String> objects, String account, Outcome outcome, boolean redeliver,
                    SyncResult result, RequestCounts requests) {
        this(trigger, objects, account, outcome, redeliver, result, requests, null);
    }

    /** This line with what the push's resolve passes and reopenings did; null or empty for nothing. */
    public LogEntry withResolve(Map<String, Object> summary) {
        return new LogEntry(trigger, objects, account, outcome, redeliver, result, requests,
                summary == null || summary.isEmpty() ? null : summary);
    }

    /**
     * The counts of a push's resolve passes, summed over accounts ({@code resolved},
     * {@code resolved_by_reason}, {@code already_resolved}, {@code not_covered},
     * {@code assets_removed}, {@code assets_not_covered}), and {@code reopened}; empty when no pass
     * ran and nothing was reopened.
     */
    public static Map<String, Object> resolveSummary(List<ResolveMissingResult> passes, long reopened) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (!passes.isEmpty()) {
            map.put("resolved", passes.stream().mapToLong(ResolveMissingResult::resolved).sum());
            Map<String, Object> byReason = new LinkedHashMap<>();
            for (ResolveMissingResult.Reason reason : ResolveMissingResult.Reason.values()) {
                byReason.put(reason.text(), passes.stream().flatMap(p -> p.changes().stream())
                        .filter(c -> c.reason() == reason).count());
            }
            map.put("resolved_by_reason", byReason);
            map.put("already_resolved", passes.stream().mapToLong(ResolveMissingResult::alreadyResolved).sum());
            map.put("not_covered", passes.stream().mapToLong(ResolveMissingResult::notCovered).sum());
            map.put("assets_removed", passes.stream().mapToLong(ResolveMissingResult::assetsRemoved).sum());
            map.put("assets_not_covered", passes.stream().mapToLong(ResolveMissingResult::assetsNotCovered).sum());
            long unchanged = passes.stream().filter(ResolveMissingResult::snapshotUnchanged).count();
            if (unchanged > 0) {
                // Accounts whose snapshot was not read: unchanged since its last resolve pass, none run.
                map.put("unchanged_since_last_pass", unchanged);
            }
        }
        if (!passes.isEmpty() || reopened > 0) {
            map.put("reopened", reopened);
        }
        return map;
    }

    public Severity severity() {
        return switch (outcome) {
            case IGNORED -> Severity.DEBUG;
            case SUCCEEDED -> Severity.INFO;
            case FAILED -> Severity.ERROR;
        };
    }

    /** The line as one JSON object. */
    public String toJson() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", severity().name());
        line.put("message", message());
        line.put("trigger", trigger);
        line.put("objects", objects);
        line.put("account", account);
        line.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        line.put("redeliver", redeliver);
        Map<String, Object> summary = result.toMap();
        List<String> errors = result.errors();
        if (errors.size() > LOGGED_ERRORS) {
            summary.put("errors", errors.subList(0, LOGGED_ERRORS));
        }
        summary.put("error_count", errors.size());
        if (!result.warnings().isEmpty()) {
            summary.put("warnings", result.warnings());
        }
        line.put("result", summary);
        line.put("requests", requests.toMap());
        if (resolve != null) {
            line.put("resolve", resolve);
        }
        return EventJson.write(line);
    }

    /** One sentence a person reads in a log viewer. */
    public String message() {
        String what = "stance-sync " + trigger + (objects.isEmpty() ? "" : " " + String.join(", ", objects))
                + (account == null ? "" : " (account " + account + ")");
        return switch (outcome) {
            case IGNORED -> what + ": ignored";
            case SUCCEEDED -> what + ": " + result.recordsSynced() + " synced, " + result.recordsSkipped()
                    + " skipped, " + result.conflictsResolved() + " conflicts resolved"
                    + (resolve == null ? "" : "; " + (resolve.containsKey("resolved") ? "resolve-missing: "
                    + resolve.get("resolved") + " resolved, " + resolve.get("not_covered") + " not covered, " : "")
                    + resolve.get("reopened") + " reopened") + "; " + requests;
            case FAILED -> what + ": " + result.errors().size() + " error(s)"
                    + (redeliver ? ", asking for redelivery" : ", not retried") + "; first: "
                    + (result.errors().isEmpty() ? "-" : result.errors().get(0));
        };
    }
}
