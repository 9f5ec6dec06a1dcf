package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.index.AccountIndex;
import com.mantissa.stance.sync.engine.index.FindingState;
import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.engine.index.LineHash;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.push.CentralRecordCodec.Content;
import com.mantissa.stance.sync.engine.scan.RecordSource;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import com.mantissa.stance.sync.wire.WireFormatException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes one record: the index's request-saving paths where they apply (see
 * {@code CrossCloudSync.useIndex}), else read, resolve and write conditionally, re-reading
 * after a lost race. Called from the runner's threads; reads the index but never changes it:
 * what the index should learn travels back in the {@link Outcome}.
 */
final class RecordPush {
    /** Re-read/re-resolve rounds after lost races before a record is reported as an error. */
    static final int MAX_CONFLICT_ATTEMPTS = 10;

    private final SyncSession session;
    private final StorageAdapter central;
    private final CentralRecordCodec codec;
    /** How long an index entry is trusted without a look at central, in microseconds; 0: never. */
    private final long indexMaxAgeMicros;
    /** Told each finding write that landed; null when no one records changes. */
    private final ChangeLog changes;

    RecordPush(SyncSession session) {
        this(session, null);
    }

    RecordPush(SyncSession session, ChangeLog changes) {
        this.session = session;
        this.changes = changes;
        this.central = session.central();
        this.codec = new CentralRecordCodec(session.config().checksumVerify());
        long micros;
        try {
            micros = session.options().indexMaxAge().toNanos() / 1000;
        } catch (ArithmeticException longerThanCenturies) {
            micros = Long.MAX_VALUE;
        }
        this.indexMaxAgeMicros = micros;
    }

    long indexMaxAgeMicros() {
        return indexMaxAgeMicros;
    }

    /**
     * What earlier records with the same id in this batch left in central, for the index
     * paths: the index itself only learns between batches. One per group of equal ids.
     */
    static final class Memory {
        private boolean set;
        private PushIndex.Entry entry;

        void remember(Outcome outcome) {
            if (outcome.indexUpdate() != null) {
                set = true;
                entry = outcome.indexUpdate().entry();
            }
        }
    }

    Outcome push(RecordSource source, AccountIndex index, RecordSource.Item item, Memory memory) {
        if (item.error() != null) {
            return Outcome.error(item.error(), false).counted(CountedAs.NOTHING);
        }
        RecordKind kind = source.kind();
        Map<String, Object> model;
        String id;
        String path;
        try {
            model = kind.normalise(item.raw());
            id = (String) model.get("id");
            path = kind.path(session.config().centralPrefix(), source.accountId(), id);
        } catch (InvalidRecordException | WireFormatException e) {
            // Not pushed, yet counted as the snapshot holds it, exactly as a census of the scan counts it.
            return Outcome.error(item.origin() + ": " + e.getMessage(), false)
                    .counted(CountedAs.of(kind, item.raw(), session.config().centralPrefix(), source.accountId()));
        }
        CountedAs counted = CountedAs.ofRecord(kind, item.raw());
        Content local = Content.of(model);
        Instant now = session.options().clock().instant();
        Target t = new Target(source, index, index.enabled() ? PushIndex.key(path) : null, local, id, path, now,
                PythonTimestamps.isoformatNaiveUtc(now), item.origin(),
                item.line() == null ? null : item.line().hash(), counted);
        if (t.key != null) {
            Outcome known = pushFromIndex(t, memory);
            if (known != null) {
                return known.counted(counted);
            }
        }
        return readResolveWrite(t).counted(counted);
    }

    /** One record on its way to central, with everything its outcome needs. */
    private record Target(RecordSource source, AccountIndex index, PushIndex.Key key, Content local, String id,
                          String path, Instant now, String syncedAt, String origin, LineHash line,
                          CountedAs counted) {
        /** The record as an error names it; made only for an error. */
        String what() {
            return origin + ": " + source.kind().type() + " '" + id + "'";
        }

        SyncRecord state(String checksum, long version) {
            return new SyncRecord(id, source.kind().type(), source.accountId(), source.provider(), now, checksum,
                    version);
        }

        Map<String, Object> model() {
            return local.map();
        }

        /**
         * What central holds after this push read or wrote it: confirmed now.
         *
         * @param content central's record, for a finding's state
         */
        PushIndex.Entry entry(String checksum, long version, Object lastSeen, Object syncedAt, String token,
                              Map<String, Object> content) {
            long time = PushIndex.micros(ConflictResolver.isEmpty(lastSeen) ? syncedAt : lastSeen);
            PushIndex.Entry entry = new PushIndex.Entry(PushIndex.checksum(checksum), version, time,
                    token == null ? "" : token, PushIndex.micros(now));
            if (source.kind() == RecordKind.FINDING) {
                entry = entry.withFindingState(FindingState.of(content));
            }
            // Central now holds this very line's content: its bytes alone can recognise it next time.
            return checksum.equals(local.checksum()) ? entry.withRaw(line, counted) : entry;
        }
    }

    /** Tells the change log of a finding write that landed; the result, to return. */
    private Outcome written(Target t, Outcome outcome, boolean existed, String beforeStatus, String beforeSeverity,
                            Map<String, Object> after) {
        if (changes != null && t.source.kind() == RecordKind.FINDING && !session.options().dryRun()) {
            changes.written(t.source.accountId(), t.source.provider(), existed, beforeStatus, beforeSeverity, after);
        }
        return outcome;
    }

    private Outcome readResolveWrite(Target t) {
        String checksum = t.local.checksum();
        for (int attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
            Optional<StoredObject> current;
            try {
                current = session.call(central, () -> central.readRecord(t.path));
            } catch (StorageException e) {
                return Outcome.error(t.what() + ": read of " + t.path + " failed: " + Outcome.message(e),
                        e instanceof TransientStorageException).indexing(t.index, t.key, null);
            }
            if (current.isEmpty()) {
                String token;
                try {
                    token = session.write(central, t.path, codec.recordBytes(t.local, t.source, t.syncedAt, 1),
                            WriteCondition.IF_ABSENT);
                } catch (PreconditionFailedException lostRace) {
                    continue;
                } catch (StorageException e) {
                    return writeFailed(t, e);
                }
                return written(t, Outcome.synced(false, t.state(checksum, 1)).indexing(t.index, t.key,
                        t.entry(checksum, 1, t.model().get("last_seen"), t.syncedAt, token, t.model())),
                        false, null, null, t.model());
            }

            Map<String, Object> centralRecord = CentralRecordCodec.parseOrNull(current.get().content());
            long centralVersion = CentralRecordCodec.versionOf(centralRecord);
            Map<String, Object> content;
            if (centralRecord == null || corrupt(centralRecord)) {
                // An unreadable or corrupt central record is repaired with the local one under
                // every strategy: what does not verify is damaged, not newer.
                content = t.model();
            } else {
                String centralChecksum = Checksums.recordChecksum(centralRecord);
                // The index never vouches for a resolve pass's write: only a read can tell it from
                // a scan's, and the conflict rule treats the two apart.
                PushIndex.Entry seen = CentralRecordCodec.resolvedByResolvePass(centralRecord) ? null
                        : t.entry(centralChecksum, centralVersion, centralRecord.get("last_seen"),
                        centralRecord.get("_synced_at"), current.get().versionToken(), centralRecord);
                if (centralChecksum.equals(checksum)) {
                    return Outcome.skipped(t.state(checksum, centralVersion)).indexing(t.index, t.key, seen);
                }
                ConflictResolution strategy = session.config().conflictResolution();
                Optional<Map<String, Object>> resolved =
                        ConflictResolver.resolve(strategy, t.model(), t.syncedAt, centralRecord);
                if (resolved.isEmpty() || Checksums.recordChecksum(resolved.get()).equals(centralChecksum)) {
                    return Outcome.skipped(null).indexing(t.index, t.key, seen);
                }
                content = resolved.get();
            }
            boolean reopened = centralRecord != null && Reopening.reopens(centralRecord, content);
            if (reopened) {
                content = Reopening.reopened(content, t.syncedAt);
            }
            Content written = content == t.model() ? t.local : Content.of(content);
            String newChecksum = written.checksum();
            long newVersion = centralVersion + 1;
            String token;
            try {
                token = session.write(central, t.path, codec.recordBytes(written, t.source, t.syncedAt, newVersion),
                        WriteCondition.ifMatch(current.get().versionToken()));
            } catch (PreconditionFailedException | NotFoundException lostRace) {
                continue;
            } catch (StorageException e) {
                return writeFailed(t, e);
            }
            Outcome synced = Outcome.synced(true, t.state(newChecksum, newVersion)).indexing(t.index, t.key,
                    t.entry(newChecksum, newVersion, content.get("last_seen"), t.syncedAt, token, content));
            // An unreadable central record was a finding in no known state: as if it were new.
            Outcome told = centralRecord == null ? written(t, synced, false, null, null, content)
                    : written(t, synced, true, text(centralRecord, "status"), text(centralRecord, "severity"), content);
            return reopened ? told.reopening() : told;
        }
        return Outcome.error(t.what() + ": " + t.path + " kept changing under concurrent writers; gave up after "
                + MAX_CONFLICT_ATTEMPTS + " attempts", true).indexing(t.index, t.key, null);
    }

    /**
     * The request-saving paths the index allows, or null when this record needs the
     * read-resolve-write loop after all.
     */
    private Outcome pushFromIndex(Target t, Memory memory) {
        AccountIndex index = t.index;
        String checksum = t.local.checksum();
        PushIndex.Entry known = memory.set ? memory.entry : index.get(t.key);
        if (known == null && memory.set) {
            return null; // an earlier copy's outcome left central unknown: read it
        }
        if (known == null) {
            if (!index.blindCreates()) {
                return null;
            }
            try {
                String token = session.write(central, t.path, codec.recordBytes(t.local, t.source, t.syncedAt, 1),
                        WriteCondition.IF_ABSENT);
                index.created.incrementAndGet();
                return written(t, Outcome.synced(false, t.state(checksum, 1)).indexing(index, t.key,
                        t.entry(checksum, 1, t.model().get("last_seen"), t.syncedAt, token, t.model())),
                        false, null, null, t.model());
            } catch (PreconditionFailedException exists) {
                index.collisions.incrementAndGet();
                return null;
            } catch (StorageException e) {
                return writeFailed(t, e);
            }
        }
        if (!known.trusted() || !known.fresh(PushIndex.micros(t.now), indexMaxAgeMicros)) {
            return null; // central is read first, which also confirms the entry for another age
        }
        boolean unchanged = known.sameContent(PushIndex.checksum(checksum));
        if (!unchanged && t.counted == CountedAs.OPEN_FINDING && known.counted() == CountedAs.RESOLVED_FINDING) {
            return null; // central's is resolved: read it, so that the reopening is written as one
        }
        ConflictResolution strategy = session.config().conflictResolution();
        switch (strategy) {
            case CENTRAL_WINS, LATEST_WINS -> {
                if (unchanged) {
                    Outcome skipped = Outcome.skipped(t.state(checksum, known.version()));
                    // Same content in other bytes (or first seen since): remember these bytes.
                    // So does an entry that does not know how its line counts yet (an older index).
                    // So does an entry of a finding that does not know its state yet (an older index).
                    boolean learnState = t.source.kind() == RecordKind.FINDING
                            && known.findingState() == FindingState.UNKNOWN;
                    if (learnState) {
                        known = known.withFindingState(FindingState.of(t.model()));
                    }
                    return !learnState && (t.line == null || known.hasRaw(t.line) && known.counted() == t.counted)
                            ? skipped : skipped.indexing(index, t.key, known.withRaw(t.line, t.counted));
                }
                if (strategy == ConflictResolution.CENTRAL_WINS
                        || !ConflictResolver.localIsNewer(t.model(), t.syncedAt, timeOnly(known.time()))) {
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
        if (changes != null && t.source.kind() == RecordKind.FINDING && known.findingState() == FindingState.UNKNOWN) {
            return null; // what the finding was is needed for the change feed: read it this once
        }
        long newVersion = known.version() + 1;
        try {
            String token = session.write(central, t.path, codec.recordBytes(t.local, t.source, t.syncedAt, newVersion),
                    WriteCondition.ifMatch(known.token()));
            return written(t, Outcome.synced(true, t.state(checksum, newVersion)).indexing(index, t.key,
                    t.entry(checksum, newVersion, t.model().get("last_seen"), t.syncedAt, token, t.model())),
                    true, FindingState.status(known.findingState()), FindingState.severity(known.findingState()),
                    t.model());
        } catch (PreconditionFailedException | NotFoundException centralMovedOn) {
            return null;
        } catch (StorageException e) {
            return writeFailed(t, e);
        }
    }

    /**
     * A central record whose {@code _checksum} is present but does not match its content:
     * edited by hand or damaged. Records without one (written with verification off, or by
     * the original with it off) are taken as they are.
     */
    private static boolean corrupt(Map<String, Object> centralRecord) {
        return centralRecord.containsKey("_checksum")
                && !Checksums.recordChecksum(centralRecord).equals(centralRecord.get("_checksum"));
    }

    private static Outcome writeFailed(Target t, StorageException e) {
        // The write may have landed: the index must not vouch for this record any more.
        return Outcome.error(t.what() + ": write of " + t.path + " failed: " + Outcome.message(e),
                e instanceof TransientStorageException).indexing(t.index, t.key, null);
    }

    private static String text(Map<String, Object> record, String key) {
        return record.get(key) instanceof String s ? s : null;
    }

    /** A stand-in central record carrying only the time the index kept, for LATEST_WINS. */
    private static Map<String, Object> timeOnly(long micros) {
        Map<String, Object> record = new LinkedHashMap<>();
        if (micros != PushIndex.NO_TIME) {
            record.put("last_seen", PythonTimestamps.isoformatNaiveUtc(PushIndex.instant(micros)));
        }
        return record;
    }
}
