package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the last push of an account left in {@code _state/{account}/status.json}, so that a
 * status report costs one read per account instead of a read per record: the provider, when
 * and which snapshot was pushed, and the account's counts. The counts are the pushed
 * snapshot's; after a push with resolve-missing they also include the findings it resolved or
 * found resolved, which is then exactly the account's findings in central.
 */
public record AccountStatus(String account, String provider, Instant lastPush, String snapshot, long findings,
                            long open, long resolved, long assets) {

    /** {@code {prefix}/_state/{account}/status.json}. */
    public static String key(String centralPrefix, String account) {
        return PruneOperation.stateFolder(centralPrefix, account) + "status.json";
    }

    /**
     * The status after a push that counted {@code census}, and of the resolve pass when one ran
     * (else null). Counts of a kind the push had no file of (an event-driven push of one file),
     * or could not read whole, are kept from {@code previous} (null when none).
     */
    static AccountStatus afterPush(String account, String provider, Instant at, String snapshot,
                                   SnapshotCounts census, ResolveMissingResult resolve, AccountStatus previous) {
        long findings = census.findings();
        long open = census.open();
        long resolved = census.resolved();
        long assets = census.assets();
        if (resolve != null && !resolve.refused()) {
            findings += resolve.resolved() + resolve.alreadyResolved();
            resolved += resolve.resolved() + resolve.alreadyResolved();
        }
        if (previous != null && !census.kinds().contains(RecordKind.FINDING)) {
            findings = previous.findings();
            open = previous.open();
            resolved = previous.resolved();
        }
        if (previous != null && !census.kinds().contains(RecordKind.ASSET)) {
            assets = previous.assets();
        }
        return new AccountStatus(account, provider, at, snapshot, findings, open, resolved, assets);
    }

    /** The stored status, or null when there is none or it cannot be read (it is then rewritten whole). */
    static AccountStatus loadQuietly(StorageAdapter central, String centralPrefix, String account) {
        try {
            return load(central, centralPrefix, account).orElse(null);
        } catch (RuntimeException e) {
            if (e instanceof SyncAbortedException || e instanceof PermanentStorageException) {
                throw e;
            }
            return null;
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("account", account);
        map.put("provider", provider);
        map.put("last_push", lastPush == null ? null : PythonTimestamps.isoformatNaiveUtc(lastPush) + "+00:00");
        map.put("snapshot", snapshot);
        map.put("findings", findings);
        map.put("open", open);
        map.put("resolved", resolved);
        map.put("assets", assets);
        return map;
    }

    /** Writes this status (unconditionally: the last push's word is the one that counts). */
    public void store(StorageAdapter central, String centralPrefix) {
        byte[] bytes = (CanonicalJson.writeUnsorted(toMap()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Retry.defaults().call(() -> central.writeRecord(key(centralPrefix, account), bytes));
        } catch (PermanentStorageException e) {
            throw new SyncAbortedException("writing the status of account '" + account + "' to "
                    + central.location() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The stored status of {@code account}; empty when none was written yet.
     *
     * @throws IllegalArgumentException when the stored object is not a status
     */
    public static Optional<AccountStatus> load(StorageAdapter central, String centralPrefix, String account) {
        String key = key(centralPrefix, account);
        Optional<StoredObject> object = Retry.defaults().call(() -> central.readRecord(key));
        if (object.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> map = JsonParser.parseObject(new String(object.get().content(), StandardCharsets.UTF_8));
        Instant lastPush = map.get("last_push") instanceof String s
                ? PythonTimestamps.toInstant(s).orElseThrow(() -> new IllegalArgumentException(
                        key + ": last_push '" + s + "' is not a timestamp"))
                : null;
        return Optional.of(new AccountStatus(account, map.get("provider") instanceof String p ? p : null, lastPush,
                map.get("snapshot") instanceof String snap ? snap : null, count(map, "findings"), count(map, "open"),
                count(map, "resolved"), count(map, "assets")));
    }

    private static long count(Map<String, Object> map, String name) {
        return map.get(name) instanceof Number n ? n.longValue() : 0;
    }
}
