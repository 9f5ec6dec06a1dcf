package com.mantissa.stance.sync.settings;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of stance-sync, in one table: what the functions read from their environment,
 * what the CLI's flags set, and the defaults both share. {@code docs/settings.md} is generated
 * from this table ({@link #markdown()}) and a test keeps the two equal.
 */
public final class Settings {
    public static final Setting<String> CENTRAL_URI = new Setting<>("STANCE_CENTRAL_URI", "--central", null,
            Setting::text, "Central store: s3://bucket[/prefix], gs://bucket[/prefix], az://account/container[/prefix], "
            + "an https:// Blob URL or a folder. Required.");
    public static final Setting<String> CENTRAL_PREFIX = new Setting<>("STANCE_CENTRAL_PREFIX", "--prefix", null,
            Setting::text, "Central prefix; overrides the URI's (default: the URI's, else `aggregated`).");
    public static final Setting<String> CONFLICT_RESOLUTION = new Setting<>("STANCE_CONFLICT_RESOLUTION", "--conflict",
            "latest_wins", Setting.choice(List.of("latest_wins", "local_wins", "central_wins", "merge")),
            "What wins when central holds a record with other content.");
    public static final Setting<String> SYNC_DIRECTION = new Setting<>("STANCE_SYNC_DIRECTION", null, "push",
            Setting.choice(List.of("push", "pull", "bidirectional")),
            "What the scheduled function does: push the sources, pull central into the pull target, or both.");
    public static final Setting<Boolean> INCLUDE_ASSETS = new Setting<>("STANCE_INCLUDE_ASSETS", "--no-assets", "true",
            Setting::bool, "Push assets as well as findings (the flag turns it off).");
    public static final Setting<Integer> BATCH_SIZE = new Setting<>("STANCE_BATCH_SIZE", "--batch-size", "1000",
            Setting::positiveInt, "Records per batch; bounds memory.");
    public static final Setting<Boolean> CHECKSUM_VERIFY = new Setting<>("STANCE_CHECKSUM_VERIFY", "--no-checksum",
            "true", Setting::bool, "Write and verify `_checksum` (the flag turns it off).");
    public static final Setting<Integer> CONCURRENCY = new Setting<>("STANCE_CONCURRENCY", "--concurrency", null,
            Setting::positiveInt, "A fixed number of parallel store requests (default: adaptive).");
    public static final Setting<String> ACCOUNT_ID = new Setting<>("STANCE_ACCOUNT_ID", "--account", null,
            Setting::text, "The spoke account of object-created events that name none.");
    public static final Setting<String> SOURCES = new Setting<>("STANCE_SOURCES", null, null, Setting::text,
            "Sources of the scheduled catch-up: `uri|account|provider[|format]` entries separated by commas, semicolons or "
            + "new lines. Their accounts should report: the schedule warns of each that never pushed.");
    public static final Setting<String> SOURCES_URI = new Setting<>("STANCE_SOURCES_URI", "--sources", null,
            Setting::text, "A sources file (JSON lines: location, account, provider, format) read by the scheduled "
            + "function; its accounts should report (the schedule warns of each that never pushed).");
    public static final Setting<String> SOURCE_FORMAT = new Setting<>("STANCE_SOURCE_FORMAT", "--format", null,
            Setting.choice(List.of("stance", "ocsf", "asff")), "Read every source file as a Stance scan, OCSF "
            + "findings (Prowler) or ASFF findings (Security Hub); a source's own `format` wins (default: by the file "
            + "name, `*.ocsf.json` or `*.asff.json`, else by its first record).");
    public static final Setting<String> PULL_TARGET = new Setting<>("STANCE_PULL_TARGET", "--target", null,
            Setting::text, "Where verified central records are copied by a pull.");
    public static final Setting<Duration> INDEX_MAX_AGE = new Setting<>("STANCE_INDEX_MAX_AGE", "--index-max-age",
            "24h", Setting::duration, "Re-check push-index entries older than this against central; 0 re-checks "
            + "every record.");
    public static final Setting<Duration> DEADLINE = new Setting<>("STANCE_DEADLINE", "--deadline", null,
            Setting::duration, "Stop a push with errors once it has run this long; 0 means none (default: none on "
            + "the CLI, 240s in a function).");
    public static final Setting<Boolean> RESOLVE_MISSING = new Setting<>("STANCE_RESOLVE_MISSING", "--resolve-missing",
            "false", Setting::bool, "Take each pushed snapshot as the account's complete state: resolve the findings "
            + "and remove the assets it no longer has.");
    public static final Setting<Double> RESOLVE_MAX_SHARE = new Setting<>("STANCE_RESOLVE_MAX_SHARE",
            "--resolve-max-share", "0.5", Setting::share, "Refuse a resolve pass that would resolve more than this "
            + "share of the account's open findings (or remove that share of its assets).");
    public static final Setting<Boolean> FORCE_RESOLVE = new Setting<>(null, "--force-resolve", "false",
            Setting::bool, "Resolve even past the share limit.");
    public static final Setting<String> EXPORT_TARGET = new Setting<>("STANCE_EXPORT_TARGET", "--target", null,
            Setting::text, "Where the scheduled function exports central as a Stance scan.");
    public static final Setting<Integer> EXPORT_KEEP = new Setting<>("STANCE_EXPORT_KEEP", "--keep", "3",
            Setting::positiveInt, "Exported snapshots kept.");
    public static final Setting<Duration> STALE_AFTER = new Setting<>("STANCE_STALE_AFTER", "--stale-after", "48h",
            Setting::duration, "An account without a complete push for this long is stale.");
    public static final Setting<String> WORK_QUEUE = new Setting<>("STANCE_WORK_QUEUE", "--queue", null,
            Setting::text, "The work queue: the scheduled function fans sources out to it, the worker takes them "
            + "from it and sends continuations to it.");
    public static final Setting<Duration> TIME_BUDGET = new Setting<>("STANCE_TIME_BUDGET", "--time-budget", null,
            Setting::duration, "Time one source push may take before it stops at a batch boundary and sends a "
            + "continuation (default: in a function, what the invocation has left less a margin; else none).");
    public static final Setting<Duration> CONNECT_TIMEOUT = new Setting<>("STANCE_CONNECT_TIMEOUT", null, "5s",
            Setting::duration, "How long opening a connection to a cloud store may take.");
    public static final Setting<Duration> REQUEST_TIMEOUT = new Setting<>("STANCE_REQUEST_TIMEOUT", null, "30s",
            Setting::duration, "How long one request to a cloud store may take, answer included.");
    public static final Setting<String> NOTIFY_URI = new Setting<>("STANCE_NOTIFY_URI", "--notify", null,
            Setting::text, "Where each push's digest of changes goes: an SNS topic ARN, `pubsub://PROJECT/TOPIC` or "
            + "`azq://ACCOUNT/QUEUE` (default: none; see docs/notifications.md).");
    public static final Setting<String> NOTIFY_MIN_SEVERITY = new Setting<>("STANCE_NOTIFY_MIN_SEVERITY",
            "--notify-min-severity", "high", Setting.choice(List.of("critical", "high", "medium", "low", "info")),
            "The least severity a change must reach to be notified; a severity change counts when its old or new "
            + "severity reaches it.");
    public static final Setting<Boolean> CHILD_JVM = new Setting<>("STANCE_SYNC_CHILD_JVM", null, "true",
            Setting::bool, "Run a CLI command that names a bucket in a child JVM with a class-data archive.");

    /** The table, in the order the settings page lists it. */
    public static final List<Setting<?>> ALL = List.of(CENTRAL_URI, CENTRAL_PREFIX, CONFLICT_RESOLUTION,
            SYNC_DIRECTION, INCLUDE_ASSETS, BATCH_SIZE, CHECKSUM_VERIFY, CONCURRENCY, ACCOUNT_ID, SOURCES, SOURCES_URI,
            SOURCE_FORMAT, PULL_TARGET, INDEX_MAX_AGE, DEADLINE, RESOLVE_MISSING, RESOLVE_MAX_SHARE, FORCE_RESOLVE,
            EXPORT_TARGET, EXPORT_KEEP, STALE_AFTER, WORK_QUEUE, TIME_BUDGET, NOTIFY_URI, NOTIFY_MIN_SEVERITY,
            CONNECT_TIMEOUT, REQUEST_TIMEOUT, CHILD_JVM);

    /** What a function's push may take when {@link #DEADLINE} is unset: under the templates' 300 s timeout. */
    public static final Duration FUNCTION_DEADLINE = Duration.ofSeconds(240);

    private Settings() {
    }

    /** The settings page: a heading, the duration syntax and one row per setting. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Settings\n\n")
                .append("Generated from the settings table in the code (`settings.Settings`); a test keeps this page "
                        + "equal to it.\n\n")
                .append("The functions and `stance-sync worker` read the environment variables; the CLI's flags set "
                        + "the same settings for one command. Durations are written `500ms`, `10s`, `1m30s`, `48h`, "
                        + "`7d`, ISO-8601 (`PT10S`) or `0`, everywhere. A value a setting cannot take is a "
                        + "configuration error naming the variable or flag and the value: exit 2 in the CLI and the "
                        + "worker, one error line in a function.\n\n")
                .append("| variable | flag | default | meaning |\n| --- | --- | --- | --- |\n");
        for (Setting<?> s : ALL) {
            md.append("| ").append(cell(s.env())).append(" | ").append(cell(s.flag())).append(" | ")
                    .append(cell(s.defaultText())).append(" | ").append(s.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text == null ? "" : "`" + text + "`";
    }
}
