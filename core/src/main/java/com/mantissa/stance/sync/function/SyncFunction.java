package com.mantissa.stance.sync.function;

import static com.mantissa.stance.sync.function.LogLines.*;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.PushDescription;
import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.SuccessiveProgress;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one core behind the AWS, GCP and Azure handlers. A handler decodes its platform's event
 * into {@link FunctionEvent}s, calls {@link #handle(List)} once per invocation, writes the
 * {@link BatchOutcome}'s lines and maps its redelivery decision back onto the platform.
 *
 * <p>The created objects of a batch are grouped by account and each account is pushed by one
 * sync: one read and one write of that account's push index, however many objects (an SQS
 * batch, an S3 event with several records, an Event Grid array) the batch holds. What is
 * redelivered and what is acknowledged is decided here, the same for every cloud; see the
 * package documentation.
 */
public final class SyncFunction {
    private final FunctionSettings settings;
    private final String configurationError;
    private final Function<StorageLocation, StorageAdapter> stores;
    private volatile SuccessiveProgress progress;

    /**
     * A function over the stores {@code stores} opens (for tests and embedding: a worker sharing
     * its stores); {@code configurationError} non-null makes every batch that one rejected line.
     */
    public SyncFunction(FunctionSettings settings, String configurationError,
                        Function<StorageLocation, StorageAdapter> stores) {
        this.settings = settings;
        this.configurationError = configurationError;
        this.stores = stores;
    }

    public SyncFunction(FunctionSettings settings) {
        this(settings, null, new Stores()::open);
    }

    /**
     * The function configured by the STANCE_* variables. A misconfiguration does not throw: every
     * batch is then rejected with one log line naming the variable, and acknowledged, because no
     * redelivery can fix a setting (the scheduled catch-up pushes the missed scans once it is
     * fixed).
     */
    public static SyncFunction fromEnvironment(Map<String, String> env) {
        try {
            return new SyncFunction(FunctionSettings.fromEnvironment(env));
        } catch (IllegalArgumentException e) {
            return new SyncFunction(null, "configuration: " + e.getMessage(), location -> {
                throw new IllegalStateException("not configured");
            });
        }
    }

    /**
     * Creates now the SDK clients of the stores this function will open: central's and that of
     * the object store of {@code spokes}' cloud (S3 for AWS). A platform's handler calls this where its
     * initialisation is done ahead of any invocation (a snapshot of the initialised handler then
     * holds the clients); an error is left for the first call that needs the client to report.
     */
    public void prepareStores(Provider spokes) {
        if (settings != null) {
            // One set: where central is in the spokes' cloud (the common case) it is prepared once.
            EnumSet.of(settings.central().scheme(), switch (spokes) {
                case AWS -> StorageLocation.Scheme.S3;
                case GCP -> StorageLocation.Scheme.GCS;
                case AZURE -> StorageLocation.Scheme.AZURE;
            }).forEach(Stores::prepare);
        }
    }

    /**
     * Runs this function's push of an S3 notification a few times against buckets answered inside the
     * process ({@link SnapshotPriming}), so that an initialised snapshot holds the request path
     * loaded and compiled; nothing leaves the process and no store of the settings is opened.
     * Does nothing when misconfigured or when the AWS SDK is absent.
     *
     * @return the problem that stopped the priming, or empty (a failed priming costs only time:
     *         the first invocation then loads what it did not)
     */
    public Optional<String> primeForSnapshot() {
        if (settings == null || !Stores.hasS3Sdk()) {
            return Optional.empty();
        }
        try {
            SnapshotPriming.Outcome outcome = SnapshotPriming.run(settings);
            return java.util.stream.Stream.of(outcome.first(), outcome.afterIndexLoss(), outcome.last())
                    .flatMap(o -> o.entries().stream())
                    .filter(e -> e.outcome() != LogEntry.Outcome.SUCCEEDED).map(e -> "priming push: " + e.message())
                    .findFirst();
        } catch (RuntimeException e) {
            return Optional.of("priming push: " + e);
        }
    }

    /** The settings, or empty when the environment is misconfigured. */
    public Optional<FunctionSettings> settings() {
        return Optional.ofNullable(settings);
    }

    /** Handles one invocation's events; never throws for bad input or store failures. */
    public BatchOutcome handle(List<FunctionEvent> events) {
        List<LogEntry> entries = new ArrayList<>();
        Set<String> redeliver = new HashSet<>();
        if (configurationError != null) {
            entries.add(rejected(events.isEmpty() ? "invocation" : describe(events.get(0).type()), objects(events),
                    configurationError));
            return new BatchOutcome(entries, redeliver);
        }
        Map<String, AccountBatch> byAccount = new LinkedHashMap<>();
        Map<String, List<FunctionEvent>> imported = new LinkedHashMap<>();
        for (FunctionEvent event : events) {
            switch (event.type()) {
                case IGNORED -> entries.add(ignored(event));
                case MALFORMED -> entries.add(rejected(OBJECT_CREATED, listOf(event.object()), event.reason()));
                case TICK -> {
                    LogEntry entry = onSchedule(event.object() == null ? "schedule" : event.object());
                    entries.add(entry);
                    if (entry.redeliver()) {
                        redeliver.add(event.id());
                    }
                }
                case OBJECT_CREATED -> {
                    LogEntry refused = accept(event, byAccount);
                    if (refused != null) {
                        entries.add(refused);
                    }
                }
                case FINDINGS_IMPORTED -> {
                    String account = settings.accountId().orElse(event.account());
                    String refusal = accountRefusal(account);
                    if (refusal != null) {
                        entries.add(rejected(FINDINGS_IMPORTED, listOf(event.object()), refusal));
                    } else {
                        imported.computeIfAbsent(account, a -> new ArrayList<>()).add(event);
                    }
                }
            }
        }
        for (Map.Entry<String, List<FunctionEvent>> batch : imported.entrySet()) {
            LogEntry entry = pushImported(batch.getKey(), batch.getValue());
            entries.add(entry);
            if (entry.redeliver()) {
                batch.getValue().forEach(e -> redeliver.add(e.id()));
            }
        }
        for (AccountBatch batch : byAccount.values()) {
            LogEntry entry = batch.sync();
            entries.add(entry);
            if (entry.redeliver()) {
                batch.events.forEach(e -> redeliver.add(e.id()));
            }
        }
        return new BatchOutcome(entries, redeliver);
    }

    /** Adds a created scan file to its account's batch; returns the line of an event that is not one. */
    private LogEntry accept(FunctionEvent event, Map<String, AccountBatch> byAccount) {
        StorageLocation object;
        try {
            object = StorageLocation.parse(event.object());
        } catch (IllegalArgumentException | NullPointerException e) {
            return rejected(OBJECT_CREATED, listOf(event.object()), "not an object URI: " + e.getMessage());
        }
        String key = object.prefix();
        if (key == null || !CrossCloudSync.isScanFile(key)) {
            return ignored(event);
        }
        String account = settings.accountId().orElse(event.account());
        String refusal = accountRefusal(account);
        if (refusal != null) {
            return rejected(OBJECT_CREATED, listOf(event.object()), refusal);
        }
        byAccount.computeIfAbsent(account, AccountBatch::new).add(event, object);
        return null;
    }

    /** The findings events of one account carried, pushed by one sync without a resolve pass. */
    private LogEntry pushImported(String account, List<FunctionEvent> events) {
        SyncResult result;
        CrossCloudSync sync = null;
        try {
            ImportedFindings findings = new ImportedFindings(account);
            events.forEach(findings::add);
            sync = newPush(settings.push().withResolve(null));
            result = findings.push(sync);
        } catch (SyncAbortedException e) {
            result = errorResult(e.getMessage(), false);
        } catch (IllegalArgumentException | StorageException e) {
            result = errorResult(e.getMessage(), e instanceof TransientStorageException);
        }
        return finished(FINDINGS_IMPORTED, events.stream().map(FunctionEvent::object).toList(), account, result,
                sync == null ? RequestCounts.NONE : sync.requests());
    }

    /** The created scan files of one account in this batch: pushed by one sync. */
    private final class AccountBatch {
        private final String account;
        private final List<FunctionEvent> events = new ArrayList<>();
        private final Map<String, StorageLocation> objects = new LinkedHashMap<>();

        AccountBatch(String account) {
            this.account = account;
        }

        void add(FunctionEvent event, StorageLocation location) {
            events.add(event);
            // A notification delivered twice in one batch is pushed once.
            objects.putIfAbsent(event.object(), location);
        }

        LogEntry sync() {
            List<String> names = List.copyOf(objects.keySet());
            SyncResult result;
            CrossCloudSync sync = null;
            try {
                sync = newPush(settings.push());
                for (StorageLocation object : objects.values()) {
                    sync.addScanObject(stores.apply(object), object.prefix(), account, object.scheme().provider());
                }
                result = notified(sync, sync.sync());
            } catch (SyncAbortedException e) {
                result = errorResult(e.getMessage(), false);
            } catch (IllegalArgumentException | StorageException e) {
                result = errorResult(e.getMessage(), e instanceof TransientStorageException);
            }
            return finished(OBJECT_CREATED, names, account, result,
                    sync == null ? RequestCounts.NONE : sync.requests())
                    .withResolve(sync == null ? null : LogEntry.resolveSummary(sync.resolveResults(),
                            sync.reopened()));
        }
    }

    /**
     * One scheduled tick: the catch-up push of {@code sources} (none when they were fanned out
     * to the work queue instead), then the pull to {@code STANCE_PULL_TARGET} and the lifecycle
     * (export, stale accounts), whichever are configured.
     *
     * @param sources the sources to push now; empty when the tick fanned them out
     * @param fannedOut whether the sources went to the work queue (then an empty list is not "nothing to do")
     */
    public BatchOutcome tick(String id, String trigger, List<SourceSpec> sources, boolean fannedOut) {
        return tick(id, trigger, sources, fannedOut, settings == null || settings.sources().isEmpty() ? null
                : settings.sources().stream().map(SourceSpec::accountId).toList());
    }

    /**
     * As {@link #tick(String, String, List, boolean)}, with the accounts that should report (those
     * of {@code STANCE_SOURCES} and the sources file): the stale check warns once for each that
     * never pushed. Null for no list.
     */
    public BatchOutcome tick(String id, String trigger, List<SourceSpec> sources, boolean fannedOut,
                             Collection<String> expected) {
        if (configurationError != null) {
            return new BatchOutcome(List.of(rejected(trigger, List.of(), configurationError)), Set.of());
        }
        LogEntry entry = onSchedule(trigger, sources, fannedOut, expected);
        return new BatchOutcome(List.of(entry), entry.redeliver() ? Set.of(id) : Set.of());
    }

    private LogEntry onSchedule(String trigger) {
        return onSchedule(trigger, settings.sources(), false, settings.sources().isEmpty() ? null
                : settings.sources().stream().map(SourceSpec::accountId).toList());
    }

    private LogEntry onSchedule(String trigger, List<SourceSpec> sources, boolean fannedOut,
                                Collection<String> expected) {
        SyncResult total = empty(settings.direction());
        List<CrossCloudSync> syncs = new ArrayList<>(2);
        RequestCounts lifecycleRequests = RequestCounts.NONE;
        boolean didSomething = fannedOut;
        try {
            if (!sources.isEmpty() && settings.direction() != SyncDirection.PULL) {
                CrossCloudSync push = newPush(settings.push());
                syncs.add(push);
                for (SourceSpec source : sources) {
                    try {
                        push.addScanLocation(stores.apply(source.location()), source.location().prefixOr(""), null,
                                source.format(), source.accountId(), source.provider());
                    } catch (IllegalArgumentException | StorageException e) {
                        total = total.plus(errorResult(StorageLocation.redact(source.location().toString()) + ": "
                                + e.getMessage(), e instanceof TransientStorageException), total.syncDirection());
                    }
                }
                total = total.plus(notified(push, push.sync()), total.syncDirection());
                didSomething = true;
            }
            if (settings.pullTarget().isPresent()) {
                StorageAdapter target = stores.apply(settings.pullTarget().get());
                CrossCloudSync pull = central().sync(config(SyncDirection.PULL), target).trackState(false)
                        .deadline(settings.deadline());
                syncs.add(pull);
                total = total.plus(pull.sync(), total.syncDirection());
                didSomething = true;
            }
        } catch (SyncAbortedException e) {
            return finished(trigger, List.of(), null, total.plus(errorResult(e.getMessage(), false),
                    total.syncDirection()), requests(syncs));
        }
        if (settings.lifecycle().exportTarget() != null || didSomething) {
            ScheduledLifecycle.Outcome lifecycle = ScheduledLifecycle.run(settings, stores, java.time.Clock.systemUTC(),
                    expected);
            total = total.plus(lifecycle.result(), total.syncDirection());
            lifecycleRequests = lifecycle.requests();
            didSomething = true;
        }
        if (!didSomething) {
            return rejected(trigger, List.of(), "configuration: nothing to do: set " + FunctionSettings.SOURCES
                    + ", " + FunctionSettings.PULL_TARGET + " and/or " + LifecycleSettings.EXPORT_TARGET);
        }
        LogEntry line = finished(trigger, List.of(), null, total, requests(syncs).plus(lifecycleRequests));
        CrossCloudSync push = syncs.isEmpty() || sources.isEmpty() ? null : syncs.get(0);
        return push == null ? line
                : line.withResolve(LogEntry.resolveSummary(push.resolveResults(), push.reopened()));
    }

    private Central central() {
        return Central.at(stores.apply(settings.central()), settings.config().centralPrefix());
    }

    /** A push as the settings' push description directs, as every push of the functions and the worker is. */
    private CrossCloudSync newPush(PushDescription description) {
        if (!description.dryRun()) {
            try {
                settings.central().createMissingFolder();
            } catch (java.io.IOException e) {
                throw new SyncAbortedException("cannot create the central folder " + settings.central().folder()
                        + ": " + e.getMessage(), e);
            }
        }
        CrossCloudSync sync = central().push(description);
        return progress == null ? sync : sync.progress(progress.next());
    }

    /** The push's result, with the error of a digest that could not be sent (see {@link PushNotifications}). */
    private SyncResult notified(CrossCloudSync push, SyncResult result) {
        return PushNotifications.send(settings, push.lastChanges())
                .map(error -> result.plus(errorResult(error, false), result.syncDirection())).orElse(result);
    }

    /** Progress of the pushes this function runs, for a worker on a terminal; none by default. */
    public void progress(SuccessiveProgress progress) {
        this.progress = progress;
    }

    private SyncConfig config(SyncDirection direction) {
        return settings.config().toBuilder().syncDirection(direction).build();
    }
}
