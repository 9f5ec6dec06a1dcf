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
     * {@code findings_resolved}, {@code findings_already_resolved} and {@code assets_removed},
     * so that a machine sees what a push resolved and deleted. Without a resolve pass the result
     * has exactly the original's keys.
     */
    static Map<String, Object> withResolveCounts(Map<String, Object> result, List<ResolveMissingResult> resolves) {
        if (resolves.isEmpty()) {
            return result;
        }
        Map<String, Object> map = new LinkedHashMap<>(result);
        map.put("findings_resolved", resolves.stream().mapToLong(ResolveMissingResult::resolved).sum());
        map.put("findings_already_resolved", resolves.stream().mapToLong(ResolveMissingResult::alreadyResolved).sum());
        map.put("assets_removed", resolves.stream().mapToLong(ResolveMissingResult::assetsRemoved).sum());
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

    static void resolved(CommandSpec spec, List<ResolveMissingResult> results) {
        PrintWriter err = spec.commandLine().getErr();
        for (ResolveMissingResult result : results) {
            err.printf(Locale.ROOT, "resolve-missing: %d findings resolved, %d already resolved, %d assets removed, "
                    + "%d errors%n", result.resolved(), result.alreadyResolved(), result.assetsRemoved(),
                    result.errors().size());
        }
        err.flush();
    }
}
