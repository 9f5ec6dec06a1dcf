package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.cli.StanceSyncCli.CommonOptions;
import com.mantissa.stance.sync.cli.StanceSyncCli.PushOptions;
import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.PushDescription;
import com.mantissa.stance.sync.engine.PushNotifier;
import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.ResolveSettings;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.notify.NotificationException;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** What push, pull and sync share: options to configuration, stores, the sync, its report. */
abstract class SyncCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    StanceSyncCli parent;

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

    NotifyOptions notifyOptions() {
        return null;
    }

    @Override
    public Integer call() {
        PushOptions push = push();
        StorageLocation centralLocation = location("--central", common.central);
        SyncConfig config = config(centralLocation, push);
        PushNotifier notifier = push == null || notifyOptions() == null ? null : notifyOptions().notifier(spec);
        try (Stores stores = new Stores(); PushNotifier notifying = notifier) {
            if (push != null && !push.dryRun) {
                makeFolder(centralLocation);
            }
            StorageAdapter central = open(stores, "--central", centralLocation);
            StorageAdapter target = target() == null ? null
                    : open(stores, "--target", location("--target", target()));
            CrossCloudSync sync = Central.at(central, config.centralPrefix()).sync(config, target).trackState(false);
            if (push != null) {
                sync.describe(description(config, push));
                addSource(sync, stores, push);
            } else {
                sync.deadline(common.deadline == null || common.deadline.isZero() ? null : common.deadline);
            }
            SyncResult result;
            try (ProgressDisplay progress = ProgressDisplay.of(direction().value(), spec.commandLine().getErr(),
                    parent != null && parent.stderrTerminal, common.quiet)) {
                if (progress != null) {
                    sync.progress(progress);
                }
                result = execute(sync);
                if (notifying != null) {
                    result = notified(notifying, sync, result);
                }
            } catch (SyncAbortedException e) {
                // The store cannot be used at all: a configuration error, reported once.
                spec.commandLine().getErr().println("stance-sync: " + e.getMessage());
                return StanceSyncCli.fail(spec.commandLine().getOut(), common.json, e.getMessage(),
                        CommandLine.ExitCode.USAGE);
            }
            List<ResolveMissingResult> resolves = sync.resolveResults();
            if (!common.quiet) {
                PushPassReport.resolved(spec, resolves, sync.reopened());
            }
            for (String warning : result.warnings()) {
                if (!warning.startsWith("push index ")) {
                    // The push index's warnings went to the log as they happened; the others are said here.
                    spec.commandLine().getErr().println("warning: " + warning);
                }
            }
            report(result, resolves, sync.reopened(), sync.lastFilesUnchanged(), sync.retries(), sync.requests());
            return result.success() ? 0 : 1;
        }
    }

    /**
     * The result, with the error of a digest that could not be sent: the push itself went through
     * and its changes are in the change feed, so the command finishes with errors (exit 1).
     */
    private static SyncResult notified(PushNotifier notifier, CrossCloudSync sync, SyncResult result) {
        try {
            notifier.sendAll(sync.lastChanges());
            return result;
        } catch (NotificationException e) {
            return result.plus(new SyncResult(0, 0, 0, List.of("notification: " + e.getMessage()), 0,
                    result.syncDirection()), result.syncDirection());
        }
    }

    /** The push description the flags give, as the functions' settings give theirs. */
    private PushDescription description(SyncConfig config, PushOptions push) {
        ResolveSettings resolve;
        try {
            resolve = resolve().settings();
        } catch (IllegalArgumentException e) {
            throw usage("--resolve-max-share: " + e.getMessage());
        }
        return new PushDescription(config, push.indexMaxAge, common.deadline, resolve, !push.noIndex, push.dryRun,
                push.format);
    }

    /** A push makes its central folder; a pull, which only reads, still refuses a missing one. */
    private void makeFolder(StorageLocation central) {
        try {
            central.createMissingFolder();
        } catch (IOException e) {
            throw usage("--central: cannot create " + central.folder() + ": " + e.getMessage());
        }
    }

    /** Runs the sync; a test overrides it to stand in for an engine outcome. */
    SyncResult execute(CrossCloudSync sync) {
        return sync.sync();
    }

    private StorageAdapter open(Stores stores, String flag, StorageLocation location) {
        try {
            return stores.open(location);
        } catch (PermanentStorageException e) {
            throw usage(flag + ": " + e.getMessage());
        }
    }

    private SyncConfig config(StorageLocation central, PushOptions push) {
        if (common.batchSize < 1) {
            throw usage("--batch-size must be >= 1, got " + common.batchSize);
        }
        if (common.concurrency != null && common.concurrency < 1) {
            throw usage("--concurrency must be >= 1, got " + common.concurrency);
        }
        String prefix = common.prefix != null ? common.prefix : central.prefixOr(SyncConfig.DEFAULT_PREFIX);
        SyncConfig.Builder builder = SyncConfig.builder(central.bucketName())
                .centralPrefix(prefix)
                .syncDirection(direction())
                .includeAssets(!common.noAssets)
                .batchSize(common.batchSize)
                .checksumVerify(!common.noChecksum);
        if (common.concurrency != null) {
            builder.concurrency(common.concurrency);
        }
        if (push != null) {
            builder.conflictResolution(push.conflict);
            try {
                RecordPaths.validateAccount(push.account);
            } catch (InvalidRecordException e) {
                throw usage("--account: " + e.getMessage());
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // SyncConfig's own validation of the prefix derived from the flags.
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
            store = open(stores, "--source", source);
            prefix = source.prefixOr("");
        }
        try {
            sync.addScanLocation(store, prefix, push.kind == null ? null : push.kind.recordKind, push.account,
                    push.provider.value());
        } catch (PermanentStorageException | IllegalArgumentException e) {
            // A source store that cannot be used, or the locator's answer for a location without a scan it can read.
            throw usage("--source: " + e.getMessage());
        }
    }

    private void report(SyncResult result, List<ResolveMissingResult> resolves, long reopened, long filesUnchanged,
                        long retries, RequestCounts requests) {
        PrintWriter err = spec.commandLine().getErr();
        if (common.json) {
            Map<String, Object> json = PushPassReport.withResolveCounts(result.toMap(), resolves, reopened);
            if (filesUnchanged > 0) {
                // Only a push that left scan files unread says so: one that read them all keeps the original's keys.
                json = new LinkedHashMap<>(json);
                json.put("files_unchanged", filesUnchanged);
            }
            spec.commandLine().getOut().println(CanonicalJson.writeUnsorted(json));
        }
        PushPassReport.errors(err, result.errors());
        if (!common.quiet) {
            err.printf(Locale.ROOT, "%s: %d synced, %d skipped, %d conflicts resolved, %d errors, %d retries in %.2fs; "
                    + "%s%s%n", result.syncDirection().value(), result.recordsSynced(), result.recordsSkipped(),
                    result.conflictsResolved(), result.errors().size(), retries, result.durationSeconds(), requests,
                    push() == null ? "" : "; " + filesUnchanged + " unchanged files");
        }
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
