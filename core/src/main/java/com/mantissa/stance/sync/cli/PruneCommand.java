package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.PruneOperation;
import com.mantissa.stance.sync.engine.PruneResult;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stance-sync prune}: offboards one account from central. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove one account's findings, assets and _state/{account}/ from central, and report the counts.")
final class PruneCommand extends CentralCommand {
    @Option(names = "--account", paramLabel = "ID", description = "The account to remove (required).")
    String account;

    @Option(names = "--provider", paramLabel = "aws|gcp|azure",
            description = "Only that provider's records of the account (costs one read per record).")
    String provider;

    @Option(names = "--dry-run", description = "Count what would be removed; remove nothing.")
    boolean dryRun;

    @Override
    int run(Stores stores, StorageLocation centralLocation, String centralPrefix) {
        if (account == null || account.isBlank()) {
            throw usage("prune needs --account: it removes exactly one account, never all of central");
        }
        String chosenProvider = null;
        if (provider != null) {
            chosenProvider = provider.toLowerCase(Locale.ROOT);
            if (!List.of("aws", "gcp", "azure").contains(chosenProvider)) {
                throw usage("--provider must be aws, gcp or azure, got '" + provider + "'");
            }
        }
        PruneOperation prune;
        try {
            prune = Central.at(stores.open(centralLocation), centralPrefix).prune(account, chosenProvider);
        } catch (InvalidRecordException e) {
            throw usage("--account: " + e.getMessage());
        }
        PruneResult result = prune.dryRun(dryRun).run();
        if (json) {
            printJson(result.toMap());
        }
        for (String error : result.errors()) {
            err().println("error: " + error);
        }
        err().printf(Locale.ROOT, "prune%s: account %s: %d findings, %d assets, %d state objects %s%s in %.2fs; %s%n",
                dryRun ? " (dry run)" : "", account, result.findings(), result.assets(), result.stateObjects(),
                dryRun ? "would be removed" : "removed",
                result.otherProviderRecords() > 0 ? "; " + result.otherProviderRecords()
                        + " records of other providers kept, and with them _state/" + account + "/" : "",
                result.durationSeconds(), result.requests());
        err().flush();
        if (!json) {
            out().println(result.success() ? "OK" : "FAILED");
            out().flush();
        }
        return result.success() ? 0 : 1;
    }
}
