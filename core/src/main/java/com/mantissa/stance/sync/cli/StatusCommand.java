package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.AccountStatus;
import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.StatusOperation;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.worker.SourcesFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stance-sync status}: one row per account; exit 1 when any account went quiet. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per account: provider, findings (open/resolved), assets, last push and its snapshot, index age. "
                + "Exits 1 when an account has not pushed within --stale-after.")
final class StatusCommand extends CentralCommand {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    @Option(names = "--stale-after", paramLabel = "DURATION", defaultValue = "48h",
            description = "An account without a push for this long is stale: 90m, 48h, 7d or ISO-8601 (default: "
                    + "${DEFAULT-VALUE}).")
    String staleAfter;

    @Option(names = "--expected", paramLabel = "FILE",
            description = "A sources file (JSON Lines of location, account, provider; a path or a store location) "
                    + "naming the accounts that should report: each one that never pushed is a row with "
                    + "\"missing\": true, and every row says whether its account is \"expected\". Missing "
                    + "accounts make the exit code 1, as stale ones do.")
    String expectedFile;

    @Override
    int run(Stores stores, StorageLocation centralLocation, String centralPrefix) {
        Duration stale = parseDuration(staleAfter);
        Instant now = Instant.now();
        SourcesFile.Contents expected = expectedFile == null ? null : expected(stores);
        CountingStore central = new CountingStore(stores.open(centralLocation));
        List<StatusOperation.Row> rows = Central.at(central, centralPrefix).status(stale)
                .expected(expected == null ? null : expected.sources().stream().map(SourceSpec::accountId).toList())
                .run();
        if (rows.isEmpty()) {
            // Nothing was ever pushed under this prefix: most likely a mistyped --prefix, not an empty estate.
            throw new SyncAbortedException("no state under " + StorageLocation.redact(central.location()) + "/"
                    + (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/: no push has written there; "
                    + "check --central and --prefix", null);
        }
        boolean anyStale = rows.stream().anyMatch(row -> row.stale() || row.isMissing());
        if (json) {
            List<Map<String, Object>> accounts = new ArrayList<>();
            rows.forEach(row -> accounts.add(row.toMap()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("accounts", accounts);
            printJson(result);
        } else {
            out().printf(Locale.ROOT, "%-20s %-8s %9s %9s %9s %9s  %-25s %-20s %-10s %s%n", "ACCOUNT", "PROVIDER",
                    "FINDINGS", "OPEN", "RESOLVED", "ASSETS", "LAST PUSH", "SNAPSHOT", "INDEX AGE", "");
            for (StatusOperation.Row row : rows) {
                AccountStatus s = row.status();
                out().printf(Locale.ROOT, "%-20s %-8s %9s %9s %9s %9s  %-25s %-20s %-10s %s%n", row.account(),
                        s == null ? "-" : s.provider(), s == null ? "-" : s.findings(), s == null ? "-" : s.open(),
                        s == null ? "-" : s.resolved(), s == null ? "-" : s.assets(),
                        s == null ? (row.error() != null ? "unreadable" : row.isMissing() ? "never"
                                : "never (no status)")
                                : s.lastPush() == null ? "never complete" : s.toMap().get("last_push"),
                        s == null || s.snapshot() == null ? "-" : s.snapshot(),
                        row.indexUpdated() == null ? "-" : age(Duration.between(row.indexUpdated(), now)),
                        (row.stale() ? "STALE " : "") + (row.isMissing() ? "MISSING " : "")
                                + (Boolean.FALSE.equals(row.expected()) ? "NOT EXPECTED " : "") + (s != null && !s.lastAttemptOk() ? "LAST ATTEMPT FAILED "
                                + s.toMap().get("last_attempt") : ""));
            }
            out().flush();
        }
        for (StatusOperation.Row row : rows) {
            if (row.error() != null) {
                err().println("error: " + row.error());
            }
        }
        if (expected != null) {
            expected.errors().forEach(error -> err().println("error: " + error));
        }
        err().printf(Locale.ROOT, "status: %d accounts, %d stale (no push within %s)%s; %s%n", rows.size(),
                rows.stream().filter(StatusOperation.Row::stale).count(), staleAfter, expected == null ? ""
                        : ", " + rows.stream().filter(StatusOperation.Row::isMissing).count() + " missing (expected "
                        + "but never pushed)", central.counts());
        err().flush();
        return anyStale || (expected != null && !expected.errors().isEmpty()) ? 1 : 0;
    }

    /** The sources file of {@code --expected}; one that cannot be read at all is a usage error. */
    private SourcesFile.Contents expected(Stores stores) {
        try {
            return SourcesFile.read(stores, expectedFile);
        } catch (RuntimeException e) {
            throw usage("--expected: " + e.getMessage());
        }
    }

    private Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw usage("--stale-after: '" + text + "' is not a duration (e.g. 90m, 48h, 7d, PT36H)");
        }
    }

    private static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 172_800) {
            return (s / 3600) + "h";
        }
        return (s / 86_400) + "d";
    }
}
