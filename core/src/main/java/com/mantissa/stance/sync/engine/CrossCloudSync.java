package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Synchronises findings and assets between local sources and central storage (SPEC §3–§4).
 *
 * <p>Every write is conditional: a new record is created only if absent, an existing one is
 * replaced only if it still has the version that was read. Losing such a race re-reads and
 * re-resolves, so concurrent writers never lose each other's updates and {@code _version}
 * counts accepted writes. Sources are streamed batch by batch, so memory is bounded by
 * {@code batch_size} and not by the size of a scan.
 */
public final class CrossCloudSync {
    /** Re-read/re-resolve rounds after lost races before a record is reported as an error. */
    static final int MAX_CONFLICT_ATTEMPTS = 10;
    /** Errors kept verbatim; a file of garbage must not exhaust memory with messages. */
    static final int MAX_LISTED_ERRORS = 10_000;

    private final SyncConfig config;
    private final StorageAdapter central;
    private final StorageAdapter pullTarget;
    private final Retry retry;
    private final List<RecordSource> pending = new ArrayList<>();
    private final Map<String, SyncRecord> syncState = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private boolean dryRun;
    private boolean trackState = true;

    /** A sync whose PULL only verifies central (the original's behaviour): no target store. */
    public CrossCloudSync(SyncConfig config, StorageAdapter central) {
        this(config, central, null);
    }

    /**
     * @param pullTarget where PULL copies verified central records, under the same keys; null
     *                   to verify only
     */
    public CrossCloudSync(SyncConfig config, StorageAdapter central, StorageAdapter pullTarget) {
        this.config = Objects.requireNonNull(config, "config");
        this.central = Objects.requireNonNull(central, "central storage");
        this.pullTarget = pullTarget;
        this.retry = Retry.defaults();
    }

    /** Reports what would be written without writing anything. */
    public CrossCloudSync dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    /**
     * Whether {@link #getSyncState()} remembers every record. A push of a multi-gigabyte scan
     * turns this off so that memory stays bounded by the batch.
     */
    public CrossCloudSync trackState(boolean trackState) {
        this.trackState = trackState;
        return this;
    }

    /** For tests: the clock that stamps {@code _synced_at}. */
    public CrossCloudSync clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    public SyncConfig config() {
        return config;
    }

    /** Findings as {@link Finding} objects or raw maps (as a scan line holds them). */
    public void addLocalFindings(Iterable<?> findings, String accountId, String provider) {
        pending.add(RecordSource.ofCollection(RecordKind.FINDING, findings, accountId, provider));
    }

    /** Assets as {@link Asset} objects or raw maps; ignored when {@code include_assets} is false. */
    public void addLocalAssets(Iterable<?> assets, String accountId, String provider) {
        if (config.includeAssets()) {
            pending.add(RecordSource.ofCollection(RecordKind.ASSET, assets, accountId, provider));
        }
    }

    /**
     * A scan file ({@code findings.jsonl}, {@code assets.jsonl}), opened and streamed only
     * during {@link #sync()}. Per-line errors name {@code displayName} and the line.
     */
    public void addScanFile(RecordKind kind, String displayName, ScanInput input, String accountId, String provider) {
        if (kind == RecordKind.ASSET && !config.includeAssets()) {
            return;
        }
        pending.add(RecordSource.ofScanFile(kind, displayName, input, accountId, provider));
    }

    /** Scan files found by {@link ScanLocator} in {@code store}, streamed from it during the sync. */
    public void addScanFiles(StorageAdapter store, List<ScanLocator.ScanFile> files, String accountId,
                             String provider) {
        for (ScanLocator.ScanFile file : files) {
            addScanFile(file.kind(), file.displayName(), () -> store.openStream(file.key()), accountId, provider);
        }
    }

    /** Opens a scan file's bytes; called once per sync. */
    @FunctionalInterface
    public interface ScanInput {
        InputStream open() throws IOException;
    }

    public synchronized SyncResult sync() {
        long started = System.nanoTime();
        Tally tally = new Tally();
        ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), daemonThreads());
        try {
            SyncDirection direction = config.syncDirection();
            if (direction != SyncDirection.PULL) {
                push(tally, pool);
            }
            if (direction != SyncDirection.PUSH) {
                pull(tally, pool);
            }
        } finally {
            pool.shutdownNow();
        }
        return tally.toResult((System.nanoTime() - started) / 1e9, config.syncDirection());
    }

    /**
     * Store calls this instance repeated after a transient failure (throttling, 5xx, dropped
     * connections), over all its syncs; the SDKs' own retries inside one call are not counted.
     */
    public long retries() {
        return retry.retries();
    }

    /** A copy of id → record for everything this instance wrote, verified or found identical. */
    public synchronized Map<String, SyncRecord> getSyncState() {
        return new LinkedHashMap<>(syncState);
    }

    /** Drops pending records and the sync state. */
    public synchronized void clear() {
        pending.clear();
        syncState.clear();
    }

    // ---------------------------------------------------------------- push

    private void push(Tally tally, ExecutorService pool) {
        for (RecordSource source : pending) {
            try (RecordSource.Items items = source.open()) {
                List<RecordSource.Item> batch = new ArrayList<>(Math.min(config.batchSize(), 4096));
                while (items.hasNext()) {
                    batch.add(items.next());
                    if (batch.size() >= config.batchSize()) {
                        runBatch(batch, item -> pushOne(source, item), tally, pool);
                        batch.clear();
                    }
                }
                runBatch(batch, item -> pushOne(source, item), tally, pool);
            } catch (IOException | UncheckedIOException | StorageException e) {
                tally.add(Outcome.error(source.name() + ": cannot read: " + message(e),
                        e instanceof TransientStorageException));
            }
        }
    }

    private Outcome pushOne(RecordSource source, RecordSource.Item item) {
        if (item.error() != null) {
            return Outcome.error(item.error(), false);
        }
        RecordKind kind = source.kind();
        Map<String, Object> model;
        String id;
        String path;
        try {
            model = kind.normalise(item.raw());
            id = (String) model.get("id");
            path = kind.path(config.centralPrefix(), source.accountId(), id);
        } catch (IllegalArgumentException e) {
            return Outcome.error(item.origin() + ": " + e.getMessage(), false);
        }
        String checksum = Checksums.recordChecksum(model);
        Instant now = clock.instant();
        String syncedAt = PythonTimestamps.isoformatNaiveUtc(now);
        String what = item.origin() + ": " + kind.type() + " '" + id + "'";

        for (int attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
            Optional<StoredObject> current;
            try {
                current = retry.call(() -> central.readRecord(path));
            } catch (StorageException e) {
                return Outcome.error(what + ": read of " + path + " failed: " + message(e),
                        e instanceof TransientStorageException);
            }
            if (current.isEmpty()) {
                Map<String, Object> record = centralRecord(model, source, syncedAt, checksum, 1);
                try {
                    write(central, path, CanonicalJson.bytes(record), WriteCondition.IF_ABSENT);
                } catch (PreconditionFailedException lostRace) {
                    continue;
                } catch (StorageException e) {
                    return Outcome.error(what + ": write of " + path + " failed: " + message(e),
                            e instanceof TransientStorageException);
                }
                return Outcome.synced(false, state(id, kind, source, now, checksum, 1));
            }

            Map<String, Object> centralRecord = parseOrNull(current.get().content());
            long centralVersion = versionOf(centralRecord);
            Map<String, Object> content;
            if (centralRecord == null) {
                // An unreadable central object is repaired with the local record rather than kept.
                content = model;
            } else {
                String centralChecksum = Checksums.recordChecksum(centralRecord);
                if (centralChecksum.equals(checksum)) {
                    return Outcome.skipped(state(id, kind, source, now, checksum, centralVersion));
                }
                Optional<Map<String, Object>> resolved =
                        ConflictResolver.resolve(config.conflictResolution(), model, syncedAt, centralRecord);
                if (resolved.isEmpty() || Checksums.recordChecksum(resolved.get()).equals(centralChecksum)) {
                    return Outcome.skipped(null);
                }
                content = resolved.get();
            }
            String newChecksum = Checksums.recordChecksum(content);
            long newVersion = centralVersion + 1;
            Map<String, Object> record = centralRecord(content, source, syncedAt, newChecksum, newVersion);
            try {
                write(central, path, CanonicalJson.bytes(record), WriteCondition.ifMatch(current.get().versionToken()));
            } catch (PreconditionFailedException | NotFoundException lostRace) {
                continue;
            } catch (StorageException e) {
                return Outcome.error(what + ": write of " + path + " failed: " + message(e),
                        e instanceof TransientStorageException);
            }
            return Outcome.synced(true, state(id, kind, source, now, newChecksum, newVersion));
        }
        return Outcome.error(what + ": " + path + " kept changing under concurrent writers; gave up after "
                + MAX_CONFLICT_ATTEMPTS + " attempts", true);
    }

    private Map<String, Object> centralRecord(Map<String, Object> content, RecordSource source, String syncedAt,
                                              String checksum, long version) {
        Map<String, Object> record = new LinkedHashMap<>(content);
        record.put("_source_account", source.accountId());
        record.put("_source_provider", source.provider());
        record.put("_synced_at", syncedAt);
        if (config.checksumVerify()) {
            record.put("_checksum", checksum);
        }
        record.put("_version", version);
        return record;
    }

    private SyncRecord state(String id, RecordKind kind, RecordSource source, Instant at, String checksum,
                             long version) {
        return new SyncRecord(id, kind.type(), source.accountId(), source.provider(), at, checksum, version);
    }

    // ---------------------------------------------------------------- pull

    private void pull(Tally tally, ExecutorService pool) {
        String base = config.centralPrefix().isEmpty() ? "" : config.centralPrefix() + "/";
        for (RecordKind kind : RecordKind.values()) {
            if (kind == RecordKind.ASSET && !config.includeAssets()) {
                continue;
            }
            String prefix = base + kind.folder() + "/";
            List<String> keys;
            try {
                keys = retry.call(() -> central.listRecords(prefix));
            } catch (StorageException e) {
                tally.add(Outcome.error("listing " + central.location() + "/" + prefix + " failed: " + message(e),
                        e instanceof TransientStorageException));
                continue;
            }
            List<String> batch = new ArrayList<>();
            for (String key : keys) {
                if (!key.endsWith(".json")) {
                    continue;
                }
                batch.add(key);
                if (batch.size() >= config.batchSize()) {
                    runBatch(batch, k -> pullOne(kind, k), tally, pool);
                    batch.clear();
                }
            }
            runBatch(batch, k -> pullOne(kind, k), tally, pool);
        }
    }

    private Outcome pullOne(RecordKind kind, String key) {
        Optional<StoredObject> source;
        try {
            source = retry.call(() -> central.readRecord(key));
        } catch (StorageException e) {
            return Outcome.error("read of " + key + " failed: " + message(e), e instanceof TransientStorageException);
        }
        if (source.isEmpty()) {
            return Outcome.skipped(null); // deleted between listing and reading
        }
        byte[] bytes = source.get().content();
        Map<String, Object> record = parseOrNull(bytes);
        if (record == null) {
            return Outcome.error(key + ": not a JSON object; not copied", false);
        }
        String computed = Checksums.recordChecksum(record);
        Object stored = record.get("_checksum");
        if (config.checksumVerify() && stored instanceof String s && !s.isEmpty() && !s.equals(computed)) {
            return Outcome.error("Checksum mismatch for " + key + "; not copied", false);
        }
        SyncRecord state = new SyncRecord(String.valueOf(record.get("id")), kind.type(),
                String.valueOf(record.get("_source_account")), String.valueOf(record.get("_source_provider")),
                clock.instant(), computed, versionOf(record));
        if (pullTarget == null) {
            return Outcome.synced(false, state);
        }
        for (int attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
            try {
                Optional<StoredObject> existing = retry.call(() -> pullTarget.readRecord(key));
                if (existing.isPresent() && Arrays.equals(existing.get().content(), bytes)) {
                    return Outcome.skipped(state);
                }
                WriteCondition condition = existing.isPresent()
                        ? WriteCondition.ifMatch(existing.get().versionToken())
                        : WriteCondition.IF_ABSENT;
                write(pullTarget, key, bytes, condition);
                return Outcome.synced(false, state);
            } catch (PreconditionFailedException | NotFoundException lostRace) {
                continue;
            } catch (StorageException e) {
                return Outcome.error("copy of " + key + " to " + pullTarget.location() + " failed: " + message(e),
                        e instanceof TransientStorageException);
            }
        }
        return Outcome.error("copy of " + key + " to " + pullTarget.location()
                + " kept conflicting with other writers; gave up", true);
    }

    // ---------------------------------------------------------------- shared

    private void write(StorageAdapter store, String path, byte[] bytes, WriteCondition condition) {
        if (!dryRun) {
            retry.call(() -> store.writeRecord(path, bytes, condition));
        }
    }

    /** Runs one batch in parallel and adds the outcomes in input order, so results are deterministic. */
    private <T> void runBatch(List<T> batch, java.util.function.Function<T, Outcome> work, Tally tally,
                              ExecutorService pool) {
        if (batch.isEmpty()) {
            return;
        }
        List<Callable<Outcome>> tasks = new ArrayList<>(batch.size());
        for (T item : batch) {
            tasks.add(() -> work.apply(item));
        }
        List<Future<Outcome>> futures;
        try {
            futures = pool.invokeAll(tasks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.add(Outcome.error("sync interrupted", true));
            return;
        }
        for (Future<Outcome> f : futures) {
            Outcome outcome;
            try {
                outcome = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = Outcome.error("sync interrupted", true);
            } catch (ExecutionException e) {
                outcome = Outcome.error("unexpected failure: " + message(e.getCause()), false);
            }
            tally.add(outcome);
            if (trackState && outcome.state() != null) {
                synchronized (this) {
                    syncState.put(outcome.state().id(), outcome.state());
                }
            }
        }
    }

    private static Map<String, Object> parseOrNull(byte[] bytes) {
        try {
            Object parsed = JsonParser.parse(new String(bytes, StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) m;
                return record;
            }
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Accepted writes so far; a record without {@code _version} (the original's) counts as one. */
    static long versionOf(Map<String, Object> record) {
        if (record != null && record.get("_version") instanceof Number n && n.longValue() >= 1) {
            return n.longValue();
        }
        return 1;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "stance-sync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What happened to one record. */
    record Outcome(Status status, boolean conflictResolved, String error, boolean retryable, SyncRecord state) {
        enum Status { SYNCED, SKIPPED, ERROR }

        static Outcome synced(boolean conflictResolved, SyncRecord state) {
            return new Outcome(Status.SYNCED, conflictResolved, null, false, state);
        }

        static Outcome skipped(SyncRecord state) {
            return new Outcome(Status.SKIPPED, false, null, false, state);
        }

        static Outcome error(String message, boolean retryable) {
            return new Outcome(Status.ERROR, false, message, retryable, null);
        }
    }

    /** Counts of one sync; errors past {@link #MAX_LISTED_ERRORS} are counted, not kept. */
    private static final class Tally {
        long synced;
        long skipped;
        long conflicts;
        long retryable;
        long unlisted;
        final List<String> errors = new ArrayList<>();

        void add(Outcome o) {
            switch (o.status()) {
                case SYNCED -> synced++;
                case SKIPPED -> skipped++;
                case ERROR -> {
                    if (errors.size() < MAX_LISTED_ERRORS) {
                        errors.add(o.error());
                    } else {
                        unlisted++;
                    }
                    if (o.retryable()) {
                        retryable++;
                    }
                }
            }
            if (o.conflictResolved()) {
                conflicts++;
            }
        }

        SyncResult toResult(double seconds, SyncDirection direction) {
            List<String> all = new ArrayList<>(errors);
            if (unlisted > 0) {
                all.add(unlisted + " further errors not listed");
            }
            return new SyncResult(synced, skipped, conflicts, all, seconds, direction, retryable);
        }
    }
}
