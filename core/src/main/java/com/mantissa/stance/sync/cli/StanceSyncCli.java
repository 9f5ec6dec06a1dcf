package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code stance-sync push|pull|sync}: exit 0 on success, 1 when the sync finished with
 * errors (or failed unexpectedly), 2 for usage or configuration errors only: a bad flag, a
 * location that cannot be parsed or opened, a central store the sync had to stop at. With
 * {@code --json} stdout carries exactly one JSON object: the {@code SyncResult}, or
 * {@code {"success": false, "error": ..., "exit_code": N}} when there is none; everything meant
 * for a person goes to stderr.
 */
@Command(name = "stance-sync", mixinStandardHelpOptions = true, version = "stance-sync 0.1.0",
        description = "Synchronise Mantissa Stance findings and assets with a central bucket.")
public final class StanceSyncCli implements Runnable {
    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(Push.class, Pull.class, Sync.class, EnqueueCommand.class,
            WorkerCommand.class, ExportCommand.class, PruneCommand.class, StatusCommand.class,
            ChangesCommand.class);

    @Spec
    CommandSpec spec;

    /** Whether stderr is this process's terminal: only then is progress drawn as a bar. */
    final boolean stderrTerminal;

    StanceSyncCli() {
        this(false);
    }

    StanceSyncCli(boolean stderrTerminal) {
        this.stderrTerminal = stderrTerminal;
    }

    public static void main(String[] args) {
        ParentProcessWatch.startIfChild();
        OptionalInt inChild = ShortRunLauncher.forThisJvm(args, System.getenv()).map(launcher -> launcher.run(args))
                .orElse(OptionalInt.empty());
        System.exit(inChild.isPresent() ? inChild.getAsInt() : run(args, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), CommandLine.defaultFactory(), ProgressDisplay.stderrIsTerminal()));
    }

    /** Runs the CLI with the given streams and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, CommandLine.defaultFactory());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, picocli creating the commands through {@code factory}. */
    static int run(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        return run(args, out, err, factory, false);
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory,
                           boolean stderrTerminal) {
        boolean json = jsonRequested(args);
        CommandLine cli = new CommandLine(new StanceSyncCli(stderrTerminal), factory);
        addSubcommands(cli, args, factory);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Usage: a flag picocli could not parse, or a value a command refused (a ParameterException).
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("stance-sync: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, command.getErr())) {
                command.usage(command.getErr());
            }
            return fail(out, json, e.getMessage(), CommandLine.ExitCode.USAGE);
        });
        // Anything else escaping a command is a bug or an unforeseen failure, never a usage error.
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            if (e instanceof ConfigurationException || e instanceof QueueException q && !q.retryable()) {
                // A setting or a queue that cannot be used: nothing a retry fixes, reported once.
                command.getErr().println("stance-sync: configuration: " + e.getMessage());
                return fail(out, json, e.getMessage(), CommandLine.ExitCode.USAGE);
            }
            command.getErr().println("stance-sync: unexpected failure: " + e);
            return fail(out, json, e.toString(), 1);
        });
        return cli.execute(args);
    }

    /**
     * Adds only the subcommand the first argument names, or all of them when it names none (the
     * usage, a misspelt command's suggestions). Building picocli's model of all eight from their
     * annotations took about a fifth of a cold push's start-up.
     */
    private static void addSubcommands(CommandLine cli, String[] args, CommandLine.IFactory factory) {
        for (Class<?> command : SUBCOMMANDS) {
            if (args.length > 0 && command.getAnnotation(Command.class).name().equals(args[0])) {
                cli.addSubcommand(withVersion(new CommandLine(command, factory), cli));
                return;
            }
        }
        for (Class<?> command : SUBCOMMANDS) {
            cli.addSubcommand(withVersion(new CommandLine(command, factory), cli));
        }
    }

    /** A subcommand's {@code -V} prints the CLI's version, as the top command's does. */
    private static CommandLine withVersion(CommandLine subcommand, CommandLine top) {
        subcommand.getCommandSpec().version(top.getCommandSpec().version());
        return subcommand;
    }

    /** Whether {@code --json} is among the options (before a {@code --} ending them), even if others do not parse. */
    private static boolean jsonRequested(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    /** With --json, prints the one object that stands in for a {@code SyncResult}; returns {@code exitCode}. */
    static int fail(PrintWriter out, boolean json, String error, int exitCode) {
        if (json) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("success", false);
            object.put("error", error);
            object.put("exit_code", exitCode);
            out.println(CanonicalJson.writeUnsorted(object));
            out.flush();
        }
        return exitCode;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: push, pull or sync");
    }

    /** Options every command has. */
    static final class CommonOptions {
        @Option(names = "--central", required = true, paramLabel = "URI",
                description = "Central store: s3://bucket[/prefix], gs://bucket[/prefix], "
                        + "az://account/container[/prefix], https://account.blob.core.windows.net/container[/prefix], "
                        + "file:///path or a folder.")
        String central;

        @Option(names = "--prefix", paramLabel = "PREFIX",
                description = "Central prefix; overrides the URI's (default: the URI's, else 'aggregated').")
        String prefix;

        @Option(names = "--no-assets", description = "Sync findings only.")
        boolean noAssets;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
                description = "Records per batch; bounds memory (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--concurrency", paramLabel = "N",
                description = "A fixed number of parallel store requests (default: adaptive: more while the "
                        + "store answers as fast, fewer when it slows down or throttles).")
        Integer concurrency;

        @Option(names = "--no-checksum", description = "Neither write nor verify _checksum.")
        boolean noChecksum;

        @Option(names = "--json", description = "Print exactly one JSON object on stdout: the SyncResult, or "
                + "{\"success\": false, \"error\": ..., \"exit_code\": 2} on a usage or configuration error.")
        boolean json;

        @Option(names = "--quiet", description = "No progress and no summary line on stderr (errors are still "
                + "printed).")
        boolean quiet;

        @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Stop with errors when the sync has run this long, such as 90s or 15m (default: none).")
        Duration deadline;
    }

    /** Options of the push side. */
    static final class PushOptions {
        @Option(names = "--source", required = true, paramLabel = "S",
                description = "Snapshot folder with findings.jsonl/assets.jsonl, a .jsonl/.json file, "
                        + "or a Stance scan prefix with snapshots/manifest.json (local or a bucket URI).")
        String source;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "Source account id.")
        String account;

        @Option(names = "--provider", required = true, paramLabel = "PROVIDER",
                completionCandidates = ProviderNames.class,
                description = "Source cloud provider: ${COMPLETION-CANDIDATES}.")
        Provider provider;

        @Option(names = "--conflict", paramLabel = "STRATEGY", defaultValue = "latest_wins",
                completionCandidates = ConflictNames.class,
                description = "When central holds the record with other content: ${COMPLETION-CANDIDATES} "
                        + "(default: ${DEFAULT-VALUE}).")
        ConflictResolution conflict;

        @Option(names = "--dry-run", description = "Read and resolve, but write nothing.")
        boolean dryRun;

        @Option(names = "--no-index", description = "Ignore the account's push index in central "
                + "({prefix}/_state/{account}/): read every record first, as the original does.")
        boolean noIndex;

        @Option(names = "--kind", paramLabel = "findings|assets",
                description = "What --source holds: required for a file not named findings.jsonl or assets.jsonl; "
                        + "for a folder, push only this kind.")
        ScanKind kind;

        @Option(names = "--format", paramLabel = "stance|ocsf|asff",
                description = "Read --source as Stance's scan, OCSF findings (Prowler) or ASFF findings "
                        + "(Security Hub); default: by the file name (*.ocsf.json, *.asff.json), else its first record.")
        Format format;

        @Option(names = "--index-max-age", paramLabel = "DURATION", defaultValue = "24h",
                converter = DurationConverter.class,
                description = "Re-check push-index entries older than this against central; 0 re-checks "
                        + "every record (default: ${DEFAULT-VALUE}).")
        Duration indexMaxAge;
    }

    /** The values of {@code --kind}. */
    enum ScanKind {
        FINDINGS(RecordKind.FINDING),
        ASSETS(RecordKind.ASSET);

        final RecordKind recordKind;

        ScanKind(RecordKind recordKind) {
            this.recordKind = recordKind;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The values {@code --provider} accepts, as they are written (completion and help). */
    static final class ProviderNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Provider.values()).map(Provider::value).iterator();
        }
    }

    /** The values {@code --conflict} accepts, as they are written (completion and help). */
    static final class ConflictNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ConflictResolution.values()).map(ConflictResolution::value).iterator();
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Push a scan's findings and assets into the central store.")
    static class Push extends SyncCommand {
        @Mixin
        PushOptions push = new PushOptions();

        @Override
        SyncDirection direction() {
            return SyncDirection.PUSH;
        }

        @Mixin
        ResolveOptions resolve = new ResolveOptions();

        @Mixin
        NotifyOptions notify = new NotifyOptions();

        @Override
        PushOptions push() {
            return push;
        }

        @Override
        NotifyOptions notifyOptions() {
            return notify;
        }

        @Override
        ResolveOptions resolve() {
            return resolve;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Copy verified central records into a target store, under the same keys.")
    static final class Pull extends SyncCommand {
        @Option(names = "--target", required = true, paramLabel = "URI", description = "Where verified records go.")
        String target;

        @Override
        SyncDirection direction() {
            return SyncDirection.PULL;
        }

        @Override
        String target() {
            return target;
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Bidirectional: push a scan, then pull central into the target.")
    static final class Sync extends SyncCommand {
        @Mixin
        PushOptions push = new PushOptions();

        @Option(names = "--target", required = true, paramLabel = "URI", description = "Where verified records go.")
        String target;

        @Mixin
        NotifyOptions notify = new NotifyOptions();

        @Override
        SyncDirection direction() {
            return SyncDirection.BIDIRECTIONAL;
        }

        @Override
        NotifyOptions notifyOptions() {
            return notify;
        }

        @Override
        PushOptions push() {
            return push;
        }

        @Override
        String target() {
            return target;
        }
    }
}
