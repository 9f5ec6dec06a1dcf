package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.exec.OrderedReads;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.push.CentralKeys;
import com.mantissa.stance.sync.engine.push.CentralRecordCodec;
import com.mantissa.stance.sync.engine.scan.SnapshotCensus;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes a pushed snapshot as the account's complete state: central findings of that account
 * and provider that the snapshot no longer has, and that are not resolved yet, get
 * {@code status: "resolved"}, a new {@code _checksum} and the next {@code _version}, written
 * only if central still holds what was read. Assets the snapshot no longer has are removed:
 * an asset has no status, and central's inventory should list what exists. Other accounts,
 * and other providers' records under the same account id, are never touched.
 *
 * <p>{@link #plan()} runs before the push and writes nothing; a plan that would resolve more
 * than {@code maxShare} of the account's unresolved findings (the snapshot's unresolved ones plus
 * those it would resolve), or remove more than that share of its assets, is refused unless forced, so that a truncated or failed scan cannot resolve
 * a whole estate. {@link #apply(Plan)} runs after the push.
 *
 * <p>Cost: records in the snapshot cost nothing here (the push handles them). Finding the
 * account's records costs a listing of central's findings and assets (central's layout puts
 * the hash folder first; one request per 1,000 keys of all accounts), then one read per
 * record missing from the snapshot (to learn its provider and status), and per record
 * resolved one more read and one conditional write; per asset removed one delete.
 */
public final class ResolveMissingOperation {
    static final int MAX_ATTEMPTS = 10;

    private final StorageAdapter central;
    private final String centralPrefix;
    private final String account;
    private final String provider;
    private final StoreCalls calls;
    private double maxShare = 0.5;
    private boolean force;
    private boolean checksum = true;
    private int concurrency = 16;
    private Clock clock = Clock.systemUTC();
    private ChangeLog changes;

    public ResolveMissingOperation(StorageAdapter central, String centralPrefix, String account, String provider) {
        this.central = Objects.requireNonNull(central, "central");
        this.calls = new StoreCalls(this.central, "resolve pass of account '" + account + "' in " + this.central.location());
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        RecordPaths.validateAccount(account);
        this.account = account;
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** The largest share (0..1) of the account's open findings one push may resolve. */
    public ResolveMissingOperation maxShare(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("resolve share must be between 0 and 1, got " + share);
        }
        this.maxShare = share;
        return this;
    }

    /** Resolves even past the share. */
    public ResolveMissingOperation force(boolean force) {
        this.force = force;
        return this;
    }

    public ResolveMissingOperation checksumVerify(boolean checksum) {
        this.checksum = checksum;
        return this;
    }

    public ResolveMissingOperation concurrency(int threads) {
        this.concurrency = Math.max(1, threads);
        return this;
    }

    /** Told each finding this pass resolves, for the change feed; null (the default) for none. */
    public ResolveMissingOperation changes(ChangeLog changes) {
        this.changes = changes;
        return this;
    }

    public ResolveMissingOperation clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** What a resolve pass would do: the keys to resolve and remove, and whether it is refused. */
    public record Plan(List<String> toResolve, long alreadyResolved, List<String> assetsToRemove, long openBefore,
                       long assetsBefore, boolean refused, List<String> errors) {
        /** Why it was refused, for the one line a person reads. */
        public String refusal(double share) {
            return "refused: the snapshot would resolve " + toResolve.size() + " of the account's " + openBefore
                    + " unresolved findings and remove " + assetsToRemove.size() + " of its " + assetsBefore
                    + " assets (more than " + Math.round(share * 100) + "%); nothing written. "
                    + "A truncated or failed scan looks like this; force it if the findings are really gone.";
        }
    }

    private enum Kind { RESOLVE, ALREADY, OTHER, GONE, ERROR }

    private record Look(Kind kind, String key, String error) {
    }

    /** Reads what the resolve pass would change; writes nothing. */
    public Plan plan(SnapshotCensus snapshot) {
        List<String> toResolve = new ArrayList<>();
        List<String> assets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long[] already = {0};
        CentralKeys keys = new CentralKeys(central, centralPrefix, calls.retry());
        try (OrderedReads reads = new OrderedReads(concurrency, 1000)) {
            for (RecordKind kind : snapshot.kinds()) {
                call(() -> {
                    keys.forEachPage(kind, account, page -> {
                        List<String> missing = new ArrayList<>();
                        for (String key : page) {
                            if (!snapshot.contains(key)) {
                                missing.add(key);
                            }
                        }
                        reads.run(missing, key -> look(kind, key), look -> {
                            switch (look.kind()) {
                                case RESOLVE -> {
                                    if (kind == RecordKind.FINDING) {
                                        toResolve.add(look.key());
                                    } else {
                                        assets.add(look.key());
                                    }
                                }
                                case ALREADY -> {
                                    already[0]++;
                                }
                                case ERROR -> errors.add(look.error());
                                case OTHER, GONE -> {
                                }
                            }
                        });
                    });
                    return null;
                });
            }
        }
        long openBefore = snapshot.findings() - snapshot.resolved() + toResolve.size();
        long assetsBefore = snapshot.assets() + assets.size();
        boolean refused = !force && (toResolve.size() > maxShare * openBefore || assets.size() > maxShare * assetsBefore);
        return new Plan(toResolve, already[0], assets, openBefore, assetsBefore, refused, errors);
    }

    /** Resolves and removes what {@code plan} found; nothing when it was refused. */
    public ResolveMissingResult apply(Plan plan) {
        if (plan.refused()) {
            return new ResolveMissingResult(0, plan.alreadyResolved(), 0, plan.openBefore(), true, plan.errors());
        }
        List<String> errors = new ArrayList<>(plan.errors());
        long[] resolved = {0};
        long[] already = {plan.alreadyResolved()};
        long[] removed = {0};
        try (OrderedReads reads = new OrderedReads(concurrency, 1000)) {
            reads.run(plan.toResolve(), this::resolve, outcome -> {
                if (outcome == null) {
                    resolved[0]++;
                } else if (outcome.isEmpty()) {
                    already[0]++;
                } else {
                    errors.add(outcome);
                }
            });
            reads.run(plan.assetsToRemove(), key -> {
                try {
                    call(() -> {
                        central.deleteRecord(key);
                        return null;
                    });
                    return null;
                } catch (StorageException e) {
                    return "delete of " + key + " failed: " + e.getMessage();
                }
            }, error -> {
                if (error == null) {
                    removed[0]++;
                } else {
                    errors.add(error);
                }
            });
        }
        return new ResolveMissingResult(resolved[0], already[0], removed[0], plan.openBefore(), false, errors);
    }

    private Look look(RecordKind kind, String key) {
        Optional<StoredObject> object;
        try {
            object = call(() -> central.readRecord(key));
        } catch (StorageException e) {
            return new Look(Kind.ERROR, key, "read of " + key + " failed: " + e.getMessage() + "; not resolved");
        }
        if (object.isEmpty()) {
            return new Look(Kind.GONE, key, null);
        }
        Map<String, Object> record = parse(object.get());
        if (record == null) {
            return new Look(Kind.ERROR, key, key + ": not a JSON object; not resolved");
        }
        if (!provider.equals(record.get("_source_provider"))) {
            return new Look(Kind.OTHER, key, null);
        }
        if (kind == RecordKind.FINDING && "resolved".equals(record.get("status"))) {
            return new Look(Kind.ALREADY, key, null);
        }
        return new Look(Kind.RESOLVE, key, null);
    }

    /** @return null when resolved, "" when someone resolved it meanwhile, else the error */
    private String resolve(String key) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                Optional<StoredObject> object = call(() -> central.readRecord(key));
                if (object.isEmpty()) {
                    return ""; // removed meanwhile: nothing left to resolve
                }
                Map<String, Object> record = parse(object.get());
                if (record == null) {
                    return key + ": not a JSON object; not resolved";
                }
                if ("resolved".equals(record.get("status"))) {
                    return "";
                }
                Object statusBefore = record.get("status");
                Object severityBefore = record.get("severity");
                record.put("status", "resolved");
                record.put("_synced_at", PythonTimestamps.isoformatNaiveUtc(clock.instant()));
                if (checksum || record.containsKey("_checksum")) {
                    record.put("_checksum", Checksums.recordChecksum(record));
                }
                record.put("_version", CentralRecordCodec.versionOf(record) + 1);
                byte[] bytes = CanonicalJson.bytes(record);
                String token = object.get().versionToken();
                call(() -> central.writeRecord(key, bytes, WriteCondition.ifMatch(token)));
                if (changes != null && key.startsWith(new CentralKeys(central, centralPrefix, calls.retry()).folder(RecordKind.FINDING))) {
                    changes.written(account, provider, true, statusBefore instanceof String s ? s : null,
                            severityBefore instanceof String s ? s : null, record);
                }
                return null;
            } catch (PreconditionFailedException lostRace) {
                continue;
            } catch (StorageException e) {
                return "resolve of " + key + " failed: " + e.getMessage();
            }
        }
        return "resolve of " + key + " kept conflicting with other writers; gave up";
    }

    private static Map<String, Object> parse(StoredObject object) {
        try {
            return JsonParser.parseObject(new String(object.content(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private <T> T call(java.util.function.Supplier<T> call) {
        return calls.call(call);
    }
}
