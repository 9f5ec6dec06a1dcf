package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ExportOperation;
import com.mantissa.stance.sync.engine.ExportResult;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code stance-sync export}: central as one Stance scan that Stance's readers and tables understand. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write central's verified records as a Stance scan: {target}/findings/{snapshot}/findings.jsonl, "
                + "{target}/assets/{snapshot}/assets.jsonl and {target}/snapshots/manifest.json. "
                + "An unchanged central writes nothing.")
final class ExportCommand extends CentralCommand {
    @Option(names = "--target", required = true, paramLabel = "URI",
            description = "Where the scan goes (the Stance scan prefix): s3://bucket/prefix, gs://…, az://…, or a folder.")
    String target;

    @Option(names = "--snapshot", paramLabel = "ID",
            description = "Snapshot id (default: the UTC time, yyyyMMdd-HHmmss, as Stance names its scans).")
    String snapshot;

    @Option(names = "--keep", paramLabel = "N", defaultValue = "3",
            description = "Snapshots kept in the target, the new one included (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--no-assets", description = "Export findings only (assets.jsonl stays empty).")
    boolean noAssets;

    @Option(names = "--no-checksum", description = "Export records without verifying their _checksum.")
    boolean noChecksum;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + SyncConfig.DEFAULT_CONCURRENCY,
            description = "Parallel reads of central (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--quiet", description = "No progress and no summary line on stderr (errors are still printed).")
    boolean quiet;

    @ParentCommand
    StanceSyncCli parent;

    @Override
    int run(Stores stores, StorageLocation centralLocation, String centralPrefix) {
        if (keep < 1) {
            throw usage("--keep must be >= 1, got " + keep);
        }
        if (concurrency < 1) {
            throw usage("--concurrency must be >= 1, got " + concurrency);
        }
        StorageLocation targetLocation = location("--target", target);
        String targetPrefix = targetLocation.scheme() == StorageLocation.Scheme.FILE ? "" : targetLocation.prefixOr("");
        ExportOperation export = Central.at(stores.open(centralLocation), centralPrefix)
                .export(stores.open(targetLocation), targetPrefix)
                .keep(keep).includeAssets(!noAssets).checksumVerify(!noChecksum)
                .concurrency(concurrency, SyncConfig.DEFAULT_BATCH_SIZE);
        try {
            export.snapshot(snapshot);
        } catch (IllegalArgumentException e) {
            throw usage("--snapshot: " + e.getMessage());
        }
        ExportResult result;
        try (ProgressDisplay progress = ProgressDisplay.of("export", err(), parent != null && parent.stderrTerminal,
                quiet)) {
            if (progress != null) {
                export.progress(progress);
            }
            result = export.run();
        }
        if (json) {
            printJson(result.toMap());
        }
        for (String error : result.errors()) {
            err().println("error: " + error);
        }
        if (!quiet) {
            err().printf(Locale.ROOT,
                    "export: %s, %d findings, %d assets, %s, %d removed, %d errors in %.2fs; %s%n",
                    result.snapshotId() == null ? "no snapshot" : "snapshot " + result.snapshotId(),
                    result.findings(), result.assets(),
                    result.written() ? "written" : "unchanged (nothing written)", result.removedSnapshots().size(),
                    result.errors().size(), result.durationSeconds(), result.requests());
        }
        err().flush();
        if (!json) {
            out().println(result.success() ? "OK" : "FAILED");
            out().flush();
        }
        return result.success() ? 0 : 1;
    }
}
