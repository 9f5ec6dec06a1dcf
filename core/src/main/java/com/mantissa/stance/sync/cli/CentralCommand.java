package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the commands that work on central as a whole (export, prune, status) share: the
 * {@code --central}/{@code --prefix}/{@code --json} options, the stores, and one answer to a
 * store-level failure (one error line, exit 2; with {@code --json} exactly
 * {@code {"success": false, "error": "...", "exit_code": 2}}).
 */
abstract class CentralCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--central", required = true, paramLabel = "URI",
            description = "Central store: s3://bucket[/prefix], gs://bucket[/prefix], az://account/container[/prefix], "
                    + "file:///path or a folder.")
    String central;

    @Option(names = "--prefix", paramLabel = "PREFIX",
            description = "Central prefix; overrides the URI's (default: the URI's, else 'aggregated').")
    String prefix;

    @Option(names = "--json", description = "Print only the JSON result on stdout.")
    boolean json;

    /** Runs the command against central; returns the exit code. */
    abstract int run(Stores stores, StorageLocation centralLocation, String centralPrefix);

    @Override
    public final Integer call() {
        StorageLocation location = location("--central", central);
        String centralPrefix;
        try {
            centralPrefix = SyncConfig.normaliseCentralPrefix(prefix != null ? prefix
                    : location.prefixOr(SyncConfig.DEFAULT_PREFIX));
        } catch (IllegalArgumentException e) {
            throw usage("--prefix: " + e.getMessage());
        }
        try (Stores stores = new Stores()) {
            return run(stores, location, centralPrefix);
        } catch (SyncAbortedException | PermanentStorageException e) {
            String message = StorageLocation.redact(e.getMessage());
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("success", false);
                result.put("error", message);
                result.put("exit_code", 2);
                out().println(CanonicalJson.writeUnsorted(result));
                out().flush();
            }
            err().println("stance-sync: " + message);
            err().flush();
            return 2;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
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

    void printJson(Map<String, Object> result) {
        out().println(CanonicalJson.writeUnsorted(result));
        out().flush();
    }
}
