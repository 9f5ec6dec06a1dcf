package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ExportResult;
import com.mantissa.stance.sync.engine.StatusOperation;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the scheduled function does after its pushes and pull: the export to
 * {@code STANCE_EXPORT_TARGET} when set, and one WARN line per account that has not pushed
 * within {@code STANCE_STALE_AFTER} (a spoke that silently stopped scanning looks clean), and one
 * per account of the sources ({@code STANCE_SOURCES}, {@code STANCE_SOURCES_URI}) that never pushed.
 */
final class ScheduledLifecycle {
    private static final Logger LOG = Logger.getLogger(ScheduledLifecycle.class.getName());

    private ScheduledLifecycle() {
    }

    /**
     * What the lifecycle adds to the schedule's log line: the export's errors as a result (empty
     * when there was nothing to report), and the requests the export and the stale check made.
     */
    record Outcome(SyncResult result, RequestCounts requests) {
    }

    /** Runs the export and the stale check. */
    static Outcome run(FunctionSettings settings, Function<StorageLocation, StorageAdapter> stores, Clock clock) {
        return run(settings, stores, clock, line -> LOG.log(Level.WARNING, line));
    }

    /** Runs the export and the stale check, which also warns of each {@code expected} account that never pushed. */
    static Outcome run(FunctionSettings settings, Function<StorageLocation, StorageAdapter> stores, Clock clock,
                       Collection<String> expected) {
        return run(settings, stores, clock, line -> LOG.log(Level.WARNING, line), expected);
    }

    static Outcome run(FunctionSettings settings, Function<StorageLocation, StorageAdapter> stores, Clock clock,
                       Consumer<String> warn) {
        return run(settings, stores, clock, warn, null);
    }

    static Outcome run(FunctionSettings settings, Function<StorageLocation, StorageAdapter> stores, Clock clock,
                       Consumer<String> warn, Collection<String> expected) {
        LifecycleSettings lifecycle = settings.lifecycle();
        StorageAdapter central = stores.apply(settings.central());
        String prefix = settings.config().centralPrefix();
        List<String> errors = new ArrayList<>();
        long exported = 0;
        RequestCounts exportRequests = RequestCounts.NONE;
        if (lifecycle.exportTarget() != null) {
            StorageLocation target = lifecycle.exportTarget();
            String targetPrefix = target.scheme() == StorageLocation.Scheme.FILE ? "" : target.prefixOr("");
            ExportResult result = Central.at(central, prefix).export(stores.apply(target), targetPrefix)
                    .keep(lifecycle.exportKeep()).includeAssets(settings.config().includeAssets())
                    .checksumVerify(settings.config().checksumVerify())
                    .concurrency(settings.config().concurrency(), settings.config().batchSize()).clock(clock).run();
            errors.addAll(result.errors());
            exportRequests = result.requests();
            exported = result.written() ? result.findings() + result.assets() : 0;
        }
        CountingStore statusCentral = new CountingStore(central);
        for (StatusOperation.Row row : Central.at(statusCentral, prefix).status(lifecycle.staleAfter()).clock(clock)
                .expected(expected).run()) {
            if (row.isMissing()) {
                warn.accept("missing account " + row.account() + ": named in the sources, never pushed");
            } else if (row.stale()) {
                warn.accept("stale account " + row.account()
                        + (row.status() == null ? " (no push recorded)"
                        : " (" + row.status().provider() + "): last push " + row.toMap().get("last_push"))
                        + ", none within " + lifecycle.staleAfter());
            }
        }
        return new Outcome(new SyncResult(exported, 0, 0, errors, 0, SyncDirection.PUSH),
                exportRequests.plus(statusCentral.counts()));
    }
}
