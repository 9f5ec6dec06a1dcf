package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ChangesOperation;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.settings.Durations;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stance-sync changes}: what pushes opened, reopened, resolved or re-rated, from the change feed. */
@Command(name = "changes", mixinStandardHelpOptions = true,
        description = {"What pushes changed in central's findings (opened, reopened, resolved, severity_changed), "
                + "oldest first, then by account, then by id, from the change feed under {prefix}/_changes/.",
                "Cost: one list request per account and day of the range (plus one listing of _state/ to find the "
                        + "accounts when --account is not given), then one read per push object listed.",
                "Exits 1 when a feed object had lines that are not changes (named on stderr), 2 when central "
                        + "cannot be read."})
final class ChangesCommand extends CentralCommand {
    @Option(names = "--since", paramLabel = "7d|TIMESTAMP", defaultValue = "7d",
            description = "Changes at or after this: a duration back from now (90m, 36h, 7d) or an ISO 8601 time "
                    + "(2026-12-01T00:00:00Z) or date (2026-12-01, midnight UTC) (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--until", paramLabel = "DURATION|TIMESTAMP",
            description = "Changes before this, in the same forms as --since (default: now).")
    String until;

    @Option(names = "--account", paramLabel = "ID", description = "Only this account's changes.")
    String account;

    @Option(names = "--min-severity", paramLabel = "SEVERITY",
            description = "Only changes at or above critical, high, medium, low or info; a severity_changed counts "
                    + "when its old or its new severity reaches it (default: all).")
    String minSeverity;

    /** For tests: "now", from which --since and --until durations count back. */
    Clock clock = Clock.systemUTC();

    @Override
    int run(Stores stores, StorageLocation centralLocation, String centralPrefix) {
        Instant now = clock.instant();
        Instant from = time("--since", since, now);
        Instant to = until == null ? now : time("--until", until, now);
        if (!from.isBefore(to)) {
            throw usage("--since (" + from + ") must be before --until (" + to + ")");
        }
        if (minSeverity != null && FindingChangeJson.rank(minSeverity) < 0) {
            throw usage("--min-severity: '" + minSeverity + "' is not one of critical, high, medium, low, info");
        }
        ChangesOperation operation;
        try {
            operation = Central.at(stores.open(centralLocation), centralPrefix).changes(from, to)
                    .account(account).minSeverity(minSeverity == null ? null : minSeverity.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--account: " + e.getMessage());
        }
        ChangesOperation.Result result = operation.run();
        if (json) {
            List<Map<String, Object>> changes = new ArrayList<>(result.changes().size());
            result.changes().forEach(change -> changes.add(FindingChangeJson.toMap(change)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("changes", changes);
            printJson(out);
        } else {
            printTable(result.changes());
        }
        for (String error : result.errors()) {
            err().println("error: " + error);
        }
        err().printf(Locale.ROOT, "changes: %d from %s to %s; %s%n", result.changes().size(), from, to,
                result.requests());
        err().flush();
        return result.errors().isEmpty() ? 0 : 1;
    }

    private void printTable(List<FindingChange> changes) {
        String row = "%-32s %-14s %-16s %-20s %-30s %s%n";
        out().printf(Locale.ROOT, row, "AT", "ACCOUNT", "CHANGE", "SEVERITY", "ID", "TITLE");
        Map<FindingChange.Kind, Integer> counts = new EnumMap<>(FindingChange.Kind.class);
        for (FindingChange.Kind kind : FindingChange.Kind.values()) {
            counts.put(kind, 0);
        }
        for (FindingChange c : changes) {
            counts.merge(c.change(), 1, Integer::sum);
            String severity = c.previousSeverity() == null ? String.valueOf(c.severity())
                    : c.previousSeverity() + " -> " + c.severity();
            out().printf(Locale.ROOT, row, FindingChangeJson.formatAt(c.at()), c.account(), c.change().text(),
                    severity, c.id(), c.title() == null ? "-" : c.title());
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, n) -> parts.add(kind.text() + " " + n));
        out().println(changes.size() + " changes: " + String.join(", ", parts));
        out().flush();
    }

    /** A duration back from {@code now}, an ISO 8601 time with offset, or a date (its midnight in UTC). */
    private Instant time(String flag, String text, Instant now) {
        String value = text.trim();
        try {
            return now.minus(Durations.parse(value));
        } catch (IllegalArgumentException notADuration) {
            // an absolute time, then
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notATime) {
            // a date, then
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw usage(flag + ": '" + text + "' is neither a duration (7d, 36h) nor an ISO 8601 time "
                    + "(2026-12-01T00:00:00Z) or date (2026-12-01)");
        }
    }
}
