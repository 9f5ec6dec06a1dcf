package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.RecordPaths;
import com.mantissa.stance.sync.engine.ScanLocator;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stance-sync push|pull|sync}: exit 0 on success, 1 when the sync finished with
 * errors, 2 for usage or configuration errors. With {@code --json} stdout carries exactly the
 * {@code SyncResult} JSON; everything meant for a person goes to stderr.
 */
@Command(name = "stance-sync", mixinStandardHelpOptions = true, version = "stance-sync 0.1.0",
        description = "Synchronise Mantissa Stance findings and assets with a central bucket.",
        subcommands = {StanceSyncCli.Push.class, StanceSyncCli.Pull.class, StanceSyncCli.Sync.class,
                ExportCommand.class, PruneCommand.class, StatusCommand.class})
public final class StanceSyncCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new StanceSyncCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("stance-sync: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            commandLine.getErr().println("stance-sync: " + e);
            return 1;
        });
        return cli.execute(args);
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

        @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + SyncConfig.DEFAULT_CONCURRENCY,
                description = "Parallel store requests (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--no-checksum", description = "Neither write nor verify _checksum.")
        boolean noChecksum;

        @Option(names = "--json", description = "Print only the SyncResult JSON on stdout.")
        boolean json;
    }

    /** Options of the push side. */
    static final class PushOptions {
        @Option(names = "--source", required = true, paramLabel = "S",
                description = "Snapshot folder with findings.jsonl/assets.jsonl, a .jsonl/.json file, "
                        + "or a Stance scan prefix with snapshots/manifest.json (local or a bucket URI).")
        String source;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "Source account id.")
        String account;

        @Option(names = "--provider", required = true, paramLabel = "aws|gcp|azure",
                description = "Source cloud provider.")
        String provider;

        @Option(names = "--conflict", paramLabel = "STRATEGY", defaultValue = "latest_wins",
                description = "latest_wins (default), central_wins, local_wins or merge.")
        String conflict;

        @Option(names = "--dry-run", description = "Read and resolve, but write nothing.")
        boolean dryRun;

        @Option(names = "--no-index", description = "Ignore the account's push index in central "
                + "({prefix}/_state/{account}/): read every record first, as the original does.")
        boolean noIndex;
    }

    /** Shared execution of the three commands. */
    abstract static class SyncCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common = new CommonOptions();

        abstract SyncDirection direction();

        PushOptions push() {
            return null;
        }

        ResolveOptions resolve() {
            return new ResolveOptions();
        }

        String target() {
            return null;
        }

        @Override
        public Integer call() {
            PushOptions push = push();
            StorageLocation centralLocation = location("--central", common.central);
            SyncConfig config = config(centralLocation, push);
            try (Stores stores = new Stores()) {
                StorageAdapter central = stores.open(centralLocation);
                StorageAdapter target = target() == null ? null : stores.open(location("--target", target()));
                CrossCloudSync sync = new CrossCloudSync(config, central, target).trackState(false);
                if (push != null) {
                    sync.dryRun(push.dryRun).useIndex(!push.noIndex).resolveMissing(resolve().settings());
                    addSource(sync, stores, push);
                }
                SyncResult result = sync.sync();
                PushPassReport.resolved(spec, sync.resolveResults());
                report(result, sync.retries());
                return result.success() ? 0 : 1;
            }
        }

        private SyncConfig config(StorageLocation central, PushOptions push) {
            if (common.batchSize < 1) {
                throw usage("--batch-size must be >= 1, got " + common.batchSize);
            }
            if (common.concurrency < 1) {
                throw usage("--concurrency must be >= 1, got " + common.concurrency);
            }
            String prefix = common.prefix != null ? common.prefix : central.prefixOr(SyncConfig.DEFAULT_PREFIX);
            SyncConfig.Builder builder = SyncConfig.builder(central.bucketName())
                    .centralPrefix(prefix)
                    .syncDirection(direction())
                    .includeAssets(!common.noAssets)
                    .batchSize(common.batchSize)
                    .concurrency(common.concurrency)
                    .checksumVerify(!common.noChecksum);
            if (push != null) {
                try {
                    builder.conflictResolution(ConflictResolution.parse(push.conflict, "--conflict"));
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
                String provider = push.provider.toLowerCase(Locale.ROOT);
                if (!List.of("aws", "gcp", "azure").contains(provider)) {
                    throw usage("--provider must be aws, gcp or azure, got '" + push.provider + "'");
                }
                push.provider = provider;
                try {
                    RecordPaths.validateAccount(push.account);
                } catch (IllegalArgumentException e) {
                    throw usage("--account: " + e.getMessage());
                }
            }
            try {
                return builder.build();
            } catch (IllegalArgumentException e) {
                throw usage((common.prefix != null ? "--prefix: " : "--central: ") + e.getMessage());
            }
        }

        private void addSource(CrossCloudSync sync, Stores stores, PushOptions push) {
            StorageLocation source = location("--source", push.source);
            StorageAdapter store;
            String prefix;
            if (source.scheme() == StorageLocation.Scheme.FILE) {
                if (Files.isRegularFile(source.folder())) {
                    store = stores.open(StorageLocation.parse(source.folder().getParent().toString()));
                    prefix = source.folder().getFileName().toString();
                } else if (Files.isDirectory(source.folder())) {
                    store = stores.open(source);
                    prefix = "";
                } else {
                    throw usage("--source: no such file or folder: " + source.folder());
                }
            } else {
                store = stores.open(source);
                prefix = source.prefixOr("");
            }
            try {
                List<ScanLocator.ScanFile> files = ScanLocator.locate(store, prefix);
                sync.addScanFiles(store, files, push.account, push.provider);
            } catch (IllegalArgumentException | StorageException e) {
                throw usage("--source: " + e.getMessage());
            }
        }

        private void report(SyncResult result, long retries) {
            PrintWriter err = spec.commandLine().getErr();
            if (common.json) {
                spec.commandLine().getOut().println(CanonicalJson.writeUnsorted(result.toMap()));
            }
            for (String error : result.errors()) {
                err.println("error: " + error);
            }
            err.printf(Locale.ROOT, "%s: %d synced, %d skipped, %d conflicts resolved, %d errors, %d retries in %.2fs%n",
                    result.syncDirection().value(), result.recordsSynced(), result.recordsSkipped(),
                    result.conflictsResolved(), result.errors().size(), retries, result.durationSeconds());
            if (!common.json) {
                spec.commandLine().getOut().println(result.success() ? "OK" : "FAILED");
            }
            err.flush();
            spec.commandLine().getOut().flush();
        }

        StorageLocation location(String flag, String text) {
            try {
                return StorageLocation.parse(text);
            } catch (IllegalArgumentException e) {
                throw usage(flag + ": " + e.getMessage());
            }
        }

        ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Push a scan's findings and assets into the central store.")
    static final class Push extends SyncCommand {
        @Mixin
        PushOptions push = new PushOptions();

        @Mixin
        ResolveOptions resolve = new ResolveOptions();

        @Override
        ResolveOptions resolve() {
            return resolve;
        }

        @Override
        SyncDirection direction() {
            return SyncDirection.PUSH;
        }

        @Override
        PushOptions push() {
            return push;
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

        @Override
        SyncDirection direction() {
            return SyncDirection.BIDIRECTIONAL;
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
