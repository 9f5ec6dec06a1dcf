package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a push prints about its resolve passes (on stderr, and their counts in the {@code --json}
 * result; a refusal is one of the push's errors), and its errors on stderr.
 */
final class PushPassReport {
    /** What every record a deadline left unattempted says, after its file and line. */
    static final String DEADLINE_PASSED = "not attempted: the sync's deadline";
    /** How a record's error starts: its file and line (a producer file's: its element and "(line N)"). */
    private static final Pattern RECORD_ERROR = Pattern.compile("^\\S.* line \\d+\\)?: ");

    private PushPassReport() {
    }

    /**
     * The push's result with the counts of its resolve passes, summed over accounts:
     * {@code findings_resolved}, {@code findings_already_resolved}, {@code findings_not_covered}
     * (left because the snapshot did not look where they lie), {@code resolved_by_reason},
     * {@code assets_removed} and {@code assets_not_covered}, so that a machine sees what a push
     * resolved and deleted and what it left; and {@code findings_reopened} when the push wrote a
     * resolved finding open again. Without a resolve pass or a reopening the result has exactly
     * the original's keys.
     */
    static Map<String, Object> withResolveCounts(Map<String, Object> result, List<ResolveMissingResult> resolves,
                                                 long reopened) {
        if (resolves.isEmpty() && reopened == 0) {
            return result;
        }
        Map<String, Object> map = new LinkedHashMap<>(result);
        if (!resolves.isEmpty()) {
            map.put("findings_resolved", resolves.stream().mapToLong(ResolveMissingResult::resolved).sum());
            map.put("findings_already_resolved",
                    resolves.stream().mapToLong(ResolveMissingResult::alreadyResolved).sum());
            map.put("findings_not_covered", resolves.stream().mapToLong(ResolveMissingResult::notCovered).sum());
            map.put("resolved_by_reason", byReason(resolves));
            map.put("assets_removed", resolves.stream().mapToLong(ResolveMissingResult::assetsRemoved).sum());
            map.put("assets_not_covered",
                    resolves.stream().mapToLong(ResolveMissingResult::assetsNotCovered).sum());
        }
        map.put("findings_reopened", reopened);
        return map;
    }

    /** The findings the passes resolved now, by reason: {@code {"fixed": n, "resource_deleted": n, ...}}. */
    private static Map<String, Object> byReason(List<ResolveMissingResult> resolves) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (ResolveMissingResult.Reason reason : ResolveMissingResult.Reason.values()) {
            map.put(reason.text(), resolves.stream().flatMap(r -> r.changes().stream())
                    .filter(c -> c.reason() == reason).count());
        }
        return map;
    }

    /**
     * One line per error, except the records a deadline left unattempted: one line, where the
     * first of them was, counts them (a cut push of thousands of records would print thousands
     * of lines that differ only in the record).
     */
    static void errors(PrintWriter err, List<String> errors) {
        long cut = errors.stream().filter(PushPassReport::leftByDeadline).count();
        boolean counted = false;
        for (String error : errors) {
            if (!leftByDeadline(error)) {
                err.println("error: " + error);
            } else if (!counted) {
                counted = true;
                err.println("error: " + cut + (cut == 1 ? " record" : " records") + " not attempted: "
                        + error.substring(error.indexOf(DEADLINE_PASSED) + "not attempted: ".length()));
            }
        }
    }

    /** Whether {@code error} is a record's (file, line) that the deadline left unattempted. */
    private static boolean leftByDeadline(String error) {
        int at = error.indexOf(DEADLINE_PASSED);
        return at > 0 && RECORD_ERROR.matcher(error.substring(0, at)).find();
    }

    static void resolved(CommandSpec spec, List<ResolveMissingResult> results, long reopened) {
        PrintWriter err = spec.commandLine().getErr();
        for (ResolveMissingResult result : results) {
            Map<String, Object> reasons = byReason(List.of(result));
            if (result.snapshotUnchanged()) {
                err.printf(Locale.ROOT, "resolve-missing: snapshot unchanged since its last resolve pass, "
                        + "not read; none run%n");
            }
            err.printf(Locale.ROOT, "resolve-missing: %d findings resolved (%d fixed, %d resource_deleted, "
                    + "%d missing_from_scan), %d already resolved, %d not covered, %d assets removed, "
                    + "%d assets not covered, %d errors%n", result.resolved(), reasons.get("fixed"),
                    reasons.get("resource_deleted"), reasons.get("missing_from_scan"), result.alreadyResolved(),
                    result.notCovered(), result.assetsRemoved(), result.assetsNotCovered(), result.errors().size());
        }
        if (reopened > 0) {
            err.printf(Locale.ROOT, "reopened: %d %s that central held as resolved%n", reopened,
                    reopened == 1 ? "finding" : "findings");
        }
        err.flush();
    }
}
