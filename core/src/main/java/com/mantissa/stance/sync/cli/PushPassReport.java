package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** What a push prints (on stderr) about its resolve passes; a refusal is one of the push's errors. */
final class PushPassReport {
    private PushPassReport() {
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
