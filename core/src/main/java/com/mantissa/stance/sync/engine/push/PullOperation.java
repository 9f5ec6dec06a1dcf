package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncRecord;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.Checksums;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PULL: lists central's findings (and assets) and verifies each record's {@code _checksum};
 * with a target store, copies every verified record there under the same key, conditionally,
 * so a concurrent writer of the target is never overwritten blindly.
 */
public final class PullOperation implements SyncOperation {
    @Override
    public void run(SyncSession session) {
        StorageAdapter central = session.central();
        String centralPrefix = session.config().centralPrefix();
        String base = centralPrefix.isEmpty() ? "" : centralPrefix + "/";
        int batchSize = session.config().batchSize();
        boolean found = false;
        for (RecordKind kind : RecordKind.values()) {
            if (kind == RecordKind.ASSET && !session.config().includeAssets()) {
                continue;
            }
            String prefix = base + kind.folder() + "/";
            List<String> keys;
            try {
                keys = session.call(central, () -> central.listRecords(prefix));
            } catch (StorageException e) {
                session.tally().add(Outcome.error("listing " + central.location() + "/" + prefix + " failed: "
                        + Outcome.message(e), e instanceof TransientStorageException));
                found = true; // unknown: the error is reported, not a missing prefix
                continue;
            }
            found |= !keys.isEmpty();
            session.expect(keys.stream().filter(k -> k.endsWith(".json")).count());
            List<String> batch = new ArrayList<>();
            for (String key : keys) {
                if (!key.endsWith(".json")) {
                    continue;
                }
                batch.add(key);
                if (batch.size() >= batchSize) {
                    runBatch(session, kind, batch);
                    batch.clear();
                }
            }
            runBatch(session, kind, batch);
        }
        if (!found && !centralExists(session, base)) {
            throw new SyncAbortedException("sync stopped: nothing to pull: " + StoreFailures.redact(central.location())
                    + " holds nothing under '" + base + "' (no findings, assets or push index); "
                    + "check the central location and prefix", null);
        }
    }

    /**
     * Whether central holds anything a sync writes under {@code base}: records of either kind
     * or a push index. Object stores have no empty folders, so a prefix with none of them does
     * not exist; a folder store whose root is missing says so itself (a store-level failure).
     * An existing but empty central folder reads the same as a missing prefix: a pull from it
     * can only be a mistake in the location or prefix, so it is reported rather than
     * answered with "0 records". Lists only the engine's own folders, never the whole store.
     */
    private static boolean centralExists(SyncSession session, String base) {
        StorageAdapter central = session.central();
        List<String> folders = new ArrayList<>(List.of(AccountIndexStore.STATE_FOLDER));
        if (!session.config().includeAssets()) {
            folders.add(0, RecordKind.ASSET.folder() + "/");
        }
        for (String folder : folders) {
            if (!session.call(central, () -> central.listRecords(base + folder)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void runBatch(SyncSession session, RecordKind kind, List<String> batch) {
        List<Outcome> outcomes = session.runner().map(batch,
                key -> PushOperation.guarded(key, () -> pullOne(session, kind, key)),
                (key, e) -> PushOperation.failed(e));
        for (Outcome outcome : outcomes) {
            session.record(outcome);
        }
        session.reportProgress();
    }

    private Outcome pullOne(SyncSession session, RecordKind kind, String key) {
        StorageAdapter central = session.central();
        Optional<StoredObject> source;
        try {
            source = session.call(central, () -> central.readRecord(key));
        } catch (StorageException e) {
            return Outcome.error("read of " + key + " failed: " + Outcome.message(e),
                    e instanceof TransientStorageException);
        }
        if (source.isEmpty()) {
            return Outcome.skipped(null); // deleted between listing and reading
        }
        byte[] bytes = source.get().content();
        Map<String, Object> record = CentralRecordCodec.parseOrNull(bytes);
        if (record == null) {
            return Outcome.error(key + ": not a JSON object; not copied", false);
        }
        String computed = Checksums.recordChecksum(record);
        // Only an absent _checksum is "unverified"; one present but not the matching digest
        // (another digest, a number, null, an empty string) is a mismatch.
        if (session.config().checksumVerify() && record.containsKey("_checksum")
                && !computed.equals(record.get("_checksum"))) {
            return Outcome.error("Checksum mismatch for " + key + "; not copied", false);
        }
        SyncRecord state = new SyncRecord(String.valueOf(record.get("id")), kind.type(),
                String.valueOf(record.get("_source_account")), String.valueOf(record.get("_source_provider")),
                session.options().clock().instant(), computed, CentralRecordCodec.versionOf(record));
        StorageAdapter target = session.pullTarget();
        if (target == null) {
            return Outcome.synced(false, state);
        }
        for (int attempt = 1; attempt <= RecordPush.MAX_CONFLICT_ATTEMPTS; attempt++) {
            try {
                Optional<StoredObject> existing = session.call(target, () -> target.readRecord(key));
                if (existing.isPresent() && Arrays.equals(existing.get().content(), bytes)) {
                    return Outcome.skipped(state);
                }
                WriteCondition condition = existing.isPresent()
                        ? WriteCondition.ifMatch(existing.get().versionToken())
                        : WriteCondition.IF_ABSENT;
                session.write(target, key, bytes, condition);
                return Outcome.synced(false, state);
            } catch (PreconditionFailedException | NotFoundException lostRace) {
                continue;
            } catch (StorageException e) {
                return Outcome.error("copy of " + key + " to " + target.location() + " failed: " + Outcome.message(e),
                        e instanceof TransientStorageException);
            }
        }
        return Outcome.error("copy of " + key + " to " + target.location()
                + " kept conflicting with other writers; gave up", true);
    }
}
