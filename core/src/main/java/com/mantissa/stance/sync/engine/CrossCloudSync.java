package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.InvalidRecordException;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Synchronises findings and assets between local sources and central storage (SPEC §3–§4).
 *
 * <p>Every write is conditional: a new record is created only if absent, an existing one is
 * replaced only if it still has the version that was read. Losing such a race re-reads and
 * re-resolves, so concurrent writers never lose each other's updates and {@code _version}
 * counts accepted writes. Sources are streamed batch by batch, so memory is bounded by
 * {@code batch_size} and not by the size of a scan.
 *
 * <p>PUSH keeps a per-account {@link PushIndex} in central under
 * {@code {central_prefix}/_state/{account_id}/}, read once per sync and written back once at
 * its end, so that a re-push spends requests only on what changed. The index is a cache and
 * never the truth; see {@link #useIndex(boolean)} for what it may and may not skip.
 */
public final class CrossCloudSync {
    /** Re-read/re-resolve rounds after lost races before a record is reported as an error. */
    static final int MAX_CONFLICT_ATTEMPTS = 10;
    /** Errors kept verbatim; a file of garbage must not exhaust memory with messages. */
    static final int MAX_LISTED_ERRORS = 10_000;
    /** Conditional writes of an account's index before giving up on it for this sync (it is a cache). */
    static final int INDEX_WRITE_ATTEMPTS = 4;
    /** Blind creates that found the record present before a push stops trying them (index lost). */
    static final int BLIND_CREATE_COLLISIONS = 32;
    private static final Logger LOG = Logger.getLogger(CrossCloudSync.class.getName());

    private final SyncConfig config;
    private final StorageAdapter central;
    private final StorageAdapter pullTarget;
    private final Retry retry;
    private final List<RecordSource> pending = new ArrayList<>();
    private final Map<String, SyncRecord> syncState = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private boolean dryRun;
    private boolean trackState = true;
    private boolean useIndex = true;

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

    /**
     * Whether PUSH keeps the per-account state index (on by default). With it:
     * <ul>
     * <li>a record the index does not know is created if absent, without a prior read
     *     (1 request); if it exists after all, the push falls back to read-and-resolve;</li>
     * <li>a record whose content the index says central already holds is skipped without a
     *     request under LATEST_WINS and CENTRAL_WINS. Central may have been changed since by
     *     another writer; then that writer's record stays. For CENTRAL_WINS that is the rule
     *     itself. For LATEST_WINS a writer using LATEST_WINS only replaces ours with a strictly
     *     newer record, which a read would have kept too; only a record overwritten by an older
     *     one (LOCAL_WINS/MERGE writers, the original's blind writes) or deleted is not
     *     re-asserted until our record changes, and neither is one without a comparable
     *     {@code last_seen} (for which LATEST_WINS compares "now": last writer wins) after
     *     another writer's push. LOCAL_WINS promises that central mirrors local,
     *     so there it still reads (1 request) and re-asserts; MERGE needs central's content;</li>
     * <li>a changed record is replaced if central still holds the version the index names
     *     (1 request; LATEST_WINS decides from the time the index kept, exactly what a read of
     *     that version would give); if central moved on, the precondition fails and the push
     *     reads and resolves as without an index.</li>
     * </ul>
     * A missing, unreadable or corrupt index only costs requests. Dry runs never use it.
     */
    public CrossCloudSync useIndex(boolean useIndex) {
        this.useIndex = useIndex;
        return this;
    }

    /** The central key of {@code accountId}'s push index. */
    public static String indexPath(String centralPrefix, String accountId) {
        RecordPaths.validateAccount(accountId);
        return (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/" + accountId + "/push-index.bin";
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
        Map<String, AccountIndex> indexes = new LinkedHashMap<>();
        for (RecordSource source : pending) {
            AccountIndex index = indexes.computeIfAbsent(source.accountId(), this::loadIndex);
            try (RecordSource.Items items = source.open()) {
                List<RecordSource.Item> batch = new ArrayList<>(Math.min(config.batchSize(), 4096));
                while (items.hasNext()) {
                    batch.add(items.next());
                    if (batch.size() >= config.batchSize()) {
                        runBatch(batch, item -> pushOne(source, index, item), tally, pool);
                        batch.clear();
                    }
                }
                runBatch(batch, item -> pushOne(source, index, item), tally, pool);
            } catch (IOException | UncheckedIOException | StorageException e) {
                tally.add(Outcome.error(source.name() + ": cannot read: " + message(e),
                        e instanceof TransientStorageException));
            }
        }
        for (AccountIndex index : indexes.values()) {
            storeIndex(index);
        }
    }

    private Outcome pushOne(RecordSource source, AccountIndex index, RecordSource.Item item) {
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
        } catch (InvalidRecordException e) {
            return Outcome.error(item.origin() + ": " + e.getMessage(), false);
        }
        Content local = Content.of(model);
        String checksum = local.checksum();
        Instant now = clock.instant();
        String syncedAt = PythonTimestamps.isoformatNaiveUtc(now);
        String what = item.origin() + ": " + kind.type() + " '" + id + "'";
        PushIndex.Key key = index.enabled() ? PushIndex.key(path) : null;
        if (key != null) {
            Outcome known = pushFromIndex(source, index, key, local, id, path, now, syncedAt, what);
            if (known != null) {
                return known;
            }
        }

        for (int attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
            Optional<StoredObject> current;
            try {
                current = retry.call(() -> central.readRecord(path));
            } catch (StorageException e) {
                return Outcome.error(what + ": read of " + path + " failed: " + message(e),
                        e instanceof TransientStorageException).indexing(index, key, null);
            }
            if (current.isEmpty()) {
                String token;
                try {
                    token = write(central, path, recordBytes(local, source, syncedAt, 1), WriteCondition.IF_ABSENT);
                } catch (PreconditionFailedException lostRace) {
                    continue;
                } catch (StorageException e) {
                    return writeFailed(what, path, e, index, key);
                }
                return Outcome.synced(false, state(id, kind, source, now, checksum, 1))
                        .indexing(index, key, entry(checksum, 1, model.get("last_seen"), syncedAt, token));
            }

            Map<String, Object> centralRecord = parseOrNull(current.get().content());
            long centralVersion = versionOf(centralRecord);
            Map<String, Object> content;
            if (centralRecord == null) {
                // An unreadable central object is repaired with the local record rather than kept.
                content = model;
            } else {
                String centralChecksum = Checksums.recordChecksum(centralRecord);
                PushIndex.Entry seen = entry(centralChecksum, centralVersion, centralRecord.get("last_seen"),
                        centralRecord.get("_synced_at"), current.get().versionToken());
                if (centralChecksum.equals(checksum)) {
                    return Outcome.skipped(state(id, kind, source, now, checksum, centralVersion))
                            .indexing(index, key, seen);
                }
                Optional<Map<String, Object>> resolved =
                        ConflictResolver.resolve(config.conflictResolution(), model, syncedAt, centralRecord);
                if (resolved.isEmpty() || Checksums.recordChecksum(resolved.get()).equals(centralChecksum)) {
                    return Outcome.skipped(null).indexing(index, key, seen);
                }
                content = resolved.get();
            }
            Content written = content == model ? local : Content.of(content);
            String newChecksum = written.checksum();
            long newVersion = centralVersion + 1;
            String token;
            try {
                token = write(central, path, recordBytes(written, source, syncedAt, newVersion),
                        WriteCondition.ifMatch(current.get().versionToken()));
            } catch (PreconditionFailedException | NotFoundException lostRace) {
                continue;
            } catch (StorageException e) {
                return writeFailed(what, path, e, index, key);
            }
            return Outcome.synced(true, state(id, kind, source, now, newChecksum, newVersion))
                    .indexing(index, key, entry(newChecksum, newVersion, content.get("last_seen"), syncedAt, token));
        }
        return Outcome.error(what + ": " + path + " kept changing under concurrent writers; gave up after "
                + MAX_CONFLICT_ATTEMPTS + " attempts", true).indexing(index, key, null);
    }

    /**
     * The request-saving paths the index allows (see {@link #useIndex(boolean)}), or null when
     * this record needs the read-resolve-write loop after all.
     */
    private Outcome pushFromIndex(RecordSource source, AccountIndex index, PushIndex.Key key,
                                  Content local, String id, String path, Instant now, String syncedAt,
                                  String what) {
        RecordKind kind = source.kind();
        Map<String, Object> model = local.map();
        String checksum = local.checksum();
        PushIndex.Entry known = index.get(key);
        if (known == null) {
            if (!index.blindCreates()) {
                return null;
            }
            try {
                String token = write(central, path, recordBytes(local, source, syncedAt, 1), WriteCondition.IF_ABSENT);
                index.created.incrementAndGet();
                return Outcome.synced(false, state(id, kind, source, now, checksum, 1))
                        .indexing(index, key, entry(checksum, 1, model.get("last_seen"), syncedAt, token));
            } catch (PreconditionFailedException exists) {
                index.collisions.incrementAndGet();
                return null;
            } catch (StorageException e) {
                return writeFailed(what, path, e, index, key);
            }
        }
        if (!known.trusted()) {
            return null;
        }
        boolean unchanged = known.sameContent(PushIndex.checksum(checksum));
        ConflictResolution strategy = config.conflictResolution();
        switch (strategy) {
            case CENTRAL_WINS, LATEST_WINS -> {
                if (unchanged) {
                    return Outcome.skipped(state(id, kind, source, now, checksum, known.version()));
                }
                if (strategy == ConflictResolution.CENTRAL_WINS
                        || !ConflictResolver.localIsNewer(model, syncedAt, timeOnly(known.time()))) {
                    return Outcome.skipped(null);
                }
            }
            case LOCAL_WINS -> {
                if (unchanged) {
                    return null;
                }
            }
            case MERGE -> {
                return null;
            }
        }
        long newVersion = known.version() + 1;
        try {
            String token = write(central, path, recordBytes(local, source, syncedAt, newVersion),
                    WriteCondition.ifMatch(known.token()));
            return Outcome.synced(true, state(id, kind, source, now, checksum, newVersion))
                    .indexing(index, key, entry(checksum, newVersion, model.get("last_seen"), syncedAt, token));
        } catch (PreconditionFailedException | NotFoundException centralMovedOn) {
            return null;
        } catch (StorageException e) {
            return writeFailed(what, path, e, index, key);
        }
    }

    private static Outcome writeFailed(String what, String path, StorageException e, AccountIndex index,
                                       PushIndex.Key key) {
        // The write may have landed: the index must not vouch for this record any more.
        return Outcome.error(what + ": write of " + path + " failed: " + message(e),
                e instanceof TransientStorageException).indexing(index, key, null);
    }

    /**
     * What central holds after a read or write, for the index: the time is the one LATEST_WINS
     * compares, {@code last_seen} else {@code _synced_at}.
     */
    private static PushIndex.Entry entry(String checksum, long version, Object lastSeen, Object syncedAt,
                                         String token) {
        long time = PushIndex.micros(ConflictResolver.isEmpty(lastSeen) ? syncedAt : lastSeen);
        return new PushIndex.Entry(PushIndex.checksum(checksum), version, time, token == null ? "" : token);
    }

    /** A stand-in central record carrying only the time the index kept, for LATEST_WINS. */
    private static Map<String, Object> timeOnly(long micros) {
        Map<String, Object> record = new LinkedHashMap<>();
        if (micros != PushIndex.NO_TIME) {
            record.put("last_seen", PythonTimestamps.isoformatNaiveUtc(PushIndex.instant(micros)));
        }
        return record;
    }

    private AccountIndex loadIndex(String accountId) {
        if (!useIndex || dryRun) {
            return AccountIndex.DISABLED;
        }
        String path;
        try {
            path = indexPath(config.centralPrefix(), accountId);
        } catch (InvalidRecordException e) {
            return AccountIndex.DISABLED; // every record of this account fails validation anyway
        }
        Optional<StoredObject> stored;
        try {
            stored = retry.call(() -> central.readRecord(path));
        } catch (StorageException e) {
            // Without its token the index cannot be replaced safely; records are read first instead.
            LOG.log(Level.FINE, "push index " + path + " unreadable; pushing without it", e);
            return AccountIndex.DISABLED;
        }
        if (stored.isEmpty()) {
            return new AccountIndex(path, new PushIndex(accountId), null);
        }
        try {
            return new AccountIndex(path, PushIndex.parse(stored.get().content(), accountId),
                    stored.get().versionToken());
        } catch (IllegalArgumentException corrupt) {
            LOG.log(Level.WARNING, "push index " + path + " is corrupt (" + corrupt.getMessage() + "); rebuilding it");
            return new AccountIndex(path, new PushIndex(accountId), stored.get().versionToken());
        }
    }

    /**
     * Writes an account's index back if this sync changed it, replacing only the version it
     * read; when another sync replaced it meanwhile, takes in that one's newer entries and
     * tries again. Failing is not a sync error: the next push only spends more requests.
     */
    private void storeIndex(AccountIndex index) {
        if (!index.enabled() || !index.changed || index.overflow || dryRun) {
            return;
        }
        String token = index.token;
        for (int attempt = 1; attempt <= INDEX_WRITE_ATTEMPTS; attempt++) {
            byte[] bytes = index.index.serialize();
            WriteCondition condition = token == null ? WriteCondition.IF_ABSENT : WriteCondition.ifMatch(token);
            try {
                retry.call(() -> central.writeRecord(index.path, bytes, condition));
                return;
            } catch (PreconditionFailedException | NotFoundException replaced) {
                try {
                    Optional<StoredObject> theirs = retry.call(() -> central.readRecord(index.path));
                    token = theirs.map(StoredObject::versionToken).orElse(null);
                    if (theirs.isPresent()) {
                        index.index.mergeNewer(PushIndex.parse(theirs.get().content(), index.index.accountId()));
                    }
                } catch (IllegalArgumentException corrupt) {
                    // Replace it with ours on the next attempt.
                } catch (StorageException e) {
                    LOG.log(Level.FINE, "push index " + index.path + " not updated", e);
                    return;
                }
            } catch (StorageException e) {
                LOG.log(Level.FINE, "push index " + index.path + " not updated", e);
                return;
            }
        }
        LOG.fine(() -> "push index " + index.path + " kept changing under other writers; not updated");
    }

    /** Model content with its canonical JSON and checksum, serialised once per record. */
    record Content(Map<String, Object> map, byte[] json, String checksum) {
        static Content of(Map<String, Object> content) {
            for (String key : content.keySet()) {
                if (key.startsWith("_")) {
                    // Not a normalised model; the checksum rule drops such keys, so take the general path.
                    return new Content(content, null, Checksums.recordChecksum(content));
                }
            }
            byte[] json = CanonicalJson.bytes(content);
            return new Content(content, json, Checksums.sha256Hex(json));
        }
    }

    /**
     * The central record's canonical JSON: {@code CanonicalJson.bytes(centralRecord(...))}, but
     * spliced from the model's JSON already made for the checksum. Sorted by code point, every
     * {@code _} key (U+005F) comes before keys starting with a lower-case letter, which is
     * what every model key starts with; anything else takes the general path.
     */
    byte[] recordBytes(Content content, RecordSource source, String syncedAt, long version) {
        if (content.json() == null || content.json().length < 3 || !startsAfterUnderscore(content.map())) {
            return CanonicalJson.bytes(centralRecord(content.map(), source, syncedAt, content.checksum(), version));
        }
        Map<String, Object> meta = centralRecord(Map.of(), source, syncedAt, content.checksum(), version);
        byte[] head = CanonicalJson.bytes(meta);
        byte[] body = content.json();
        byte[] out = new byte[head.length - 1 + 2 + body.length - 1];
        System.arraycopy(head, 0, out, 0, head.length - 1);
        out[head.length - 1] = ',';
        out[head.length] = ' ';
        System.arraycopy(body, 1, out, head.length + 1, body.length - 1);
        return out;
    }

    private static boolean startsAfterUnderscore(Map<String, Object> content) {
        for (String key : content.keySet()) {
            if (key.isEmpty() || key.charAt(0) <= '_') {
                return false;
            }
        }
        return true;
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

    /** @return the new version token; null in a dry run */
    private String write(StorageAdapter store, String path, byte[] bytes, WriteCondition condition) {
        if (dryRun) {
            return null;
        }
        return retry.call(() -> store.writeRecord(path, bytes, condition));
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
            if (outcome.indexUpdate() != null) {
                outcome.indexUpdate().apply();
            }
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

    /** What happened to one record, and what the push index should learn from it. */
    record Outcome(Status status, boolean conflictResolved, String error, boolean retryable, SyncRecord state,
                   IndexUpdate indexUpdate) {
        enum Status { SYNCED, SKIPPED, ERROR }

        static Outcome synced(boolean conflictResolved, SyncRecord state) {
            return new Outcome(Status.SYNCED, conflictResolved, null, false, state, null);
        }

        static Outcome skipped(SyncRecord state) {
            return new Outcome(Status.SKIPPED, false, null, false, state, null);
        }

        static Outcome error(String message, boolean retryable) {
            return new Outcome(Status.ERROR, false, message, retryable, null, null);
        }

        /** @param entry what central now holds; null when unknown (the index stops vouching for it) */
        Outcome indexing(AccountIndex index, PushIndex.Key key, PushIndex.Entry entry) {
            if (key == null || !index.enabled()) {
                return this;
            }
            return new Outcome(status, conflictResolved, error, retryable, state, new IndexUpdate(index, key, entry));
        }
    }

    /** Applied by the coordinating thread between batches, so the index needs no locking. */
    record IndexUpdate(AccountIndex index, PushIndex.Key key, PushIndex.Entry entry) {
        void apply() {
            index.learn(key, entry);
        }
    }

    /** One account's push index during a sync. */
    static final class AccountIndex {
        static final AccountIndex DISABLED = new AccountIndex(null, null, null);

        final String path;
        final PushIndex index;
        /** Version token of the stored index; null when there was none. */
        final String token;
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger collisions = new AtomicInteger();
        boolean changed;
        boolean overflow;

        AccountIndex(String path, PushIndex index, String token) {
            this.path = path;
            this.index = index;
            this.token = token;
        }

        boolean enabled() {
            return index != null;
        }

        PushIndex.Entry get(PushIndex.Key key) {
            return index.get(key);
        }

        /**
         * Whether to create unknown records without reading first. Stops when most such
         * creates find the record present: central has records this index never saw (an index
         * lost or deleted), and reading first is then cheaper.
         */
        boolean blindCreates() {
            int c = collisions.get();
            return c < BLIND_CREATE_COLLISIONS || c <= created.get();
        }

        /**
         * Applies one outcome, in input order. Two records of one sync with the same path
         * (a duplicated id) may finish in either order, so within a sync an entry never moves
         * back to a lower {@code _version}, and one that a failure made untrusted stays so.
         */
        void learn(PushIndex.Key key, PushIndex.Entry entry) {
            PushIndex.Entry known = index.get(key);
            if (entry != null && known != null && index.learntSinceLoad(key)
                    && (!known.trusted() || entry.version() < known.version())) {
                return;
            }
            if (entry == null) {
                if (known != null && known.trusted()) {
                    index.distrust(key);
                    changed = true;
                }
                return;
            }
            if (known != null && known.version() == entry.version() && known.time() == entry.time()
                    && known.token().equals(entry.token()) && known.sameContent(entry.checksum())) {
                return;
            }
            if (known == null && index.size() >= PushIndex.MAX_ENTRIES) {
                overflow = true;
                return;
            }
            index.put(key, entry);
            changed = true;
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
