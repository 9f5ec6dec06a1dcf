package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.AccountPushPass;
import com.mantissa.stance.sync.engine.ResolveMissingOperation;
import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** What a push prints about its resolve pass. */
final class PushPassReport {
    private PushPassReport() {
    }

    /** A refused push: one error, nothing written, exit 1; with --json the SyncResult JSON carries the error. */
    static int refused(CommandSpec spec, boolean json, AccountPushPass pass, SyncDirection direction) {
        String message = pass.refusal().orElseThrow();
        if (json) {
            SyncResult result = new SyncResult(0, 0, 0, List.of(message), 0, direction);
            spec.commandLine().getOut().println(CanonicalJson.writeUnsorted(result.toMap()));
        } else {
            spec.commandLine().getOut().println("FAILED");
        }
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
        spec.commandLine().getOut().flush();
        return 1;
    }

    static void resolved(CommandSpec spec, AccountPushPass pass, ResolveMissingResult result, boolean dryRun) {
        PrintWriter err = spec.commandLine().getErr();
        ResolveMissingOperation.Plan plan = pass.plan();
        if (plan == null) {
            return;
        }
        if (dryRun) {
            err.printf(Locale.ROOT, "resolve-missing (dry run): would resolve %d findings (%d already resolved), "
                    + "remove %d assets%n", plan.toResolve().size(), plan.alreadyResolved(),
                    plan.assetsToRemove().size());
        } else if (result != null) {
            err.printf(Locale.ROOT, "resolve-missing: %d findings resolved, %d already resolved, %d assets removed, "
                    + "%d errors%n", result.resolved(), result.alreadyResolved(), result.assetsRemoved(),
                    result.errors().size());
        }
        err.flush();
    }
}
