package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.ResolveMissingResult;
import com.mantissa.stance.sync.engine.ResolveMissingResult.Reason;
import com.mantissa.stance.sync.engine.ResolveMissingResult.Resolved;
import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.exec.OrderedReads;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.index.CentralChanges;
import com.mantissa.stance.sync.engine.push.AccountIndexCorrection;
import com.mantissa.stance.sync.engine.push.CentralKeys;
import com.mantissa.stance.sync.engine.push.CentralRecordCodec;
import com.mantissa.stance.sync.engine.scan.Coverage;
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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes a pushed snapshot as the account's state where the snapshot looked: the (region,
 * resource type) pairs of its inventory ({@link Coverage}). A central finding of that account
 * and provider that the snapshot no longer has, and that is not resolved yet, gets
 * {@code status: "resolved"}, {@code _resolved_reason} ({@link Reason}: its asset is still in the
 * inventory, "fixed"; its asset is gone from a covered pair, "resource_deleted"; the snapshot has
 * no inventory and stands for the whole account, "missing_from_scan"), {@code _resolved_at}, a
 * new {@code _checksum} and the next {@code _version}, written only if central still holds what
 * was read. A finding whose asset central's record puts outside every covered pair is left as
 * it is and counted as not covered (one whose asset no inventory ever listed is resolved as
 * "missing_from_scan"). Assets the snapshot no longer has are removed when their
 * pair is covered: an asset has no status, and central's inventory should list what exists.
 * The account's push index then distrusts what was resolved and forgets what was removed, so
 * that pushing the true snapshot again repairs a mistaken pass. The {@code _} keys stay outside the checksum. Other accounts, and other providers' records
 * under the same account id, are never touched.
 *
 * <p>{@link #plan()} runs before the push and writes nothing; a plan that would resolve more
 * than {@code maxShare} of the account's unresolved findings (the snapshot's unresolved ones plus
 * those it would resolve), or remove more than that share of its assets, is refused unless
 * forced, so that a truncated or failed scan cannot resolve a whole estate. {@link #apply(Plan)} runs after the push.
 *
 * <p>Cost: records in the snapshot cost nothing here (the push handles them). Finding the
 * account's records costs a listing of central's findings and assets (central's layout puts
 * the hash folder first; one request per 1,000 keys of all accounts), then one read per
 * record missing from the snapshot (to learn its provider, status, and an asset's region and
 * type), and per record resolved one more read and one conditional write; per asset removed
 * one delete. Coverage itself costs nothing more: the census reads the snapshot's own asset
 * file anyway, and a missing finding's gone asset is one of the asset records read already.
 */
public final class ResolveMissingOperation {
    static final int MAX_ATTEMPTS = 10;
    /** Why the resolve pass resolved a finding: a {@link Reason}'s text. */
    public static final String RESOLVED_REASON = CentralRecordCodec.RESOLVED_REASON;
    /** When the resolve pass resolved it (naive UTC, as {@code _synced_at}). */
    public static final String RESOLVED_AT = CentralRecordCodec.RESOLVED_AT;

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
    private ChangeLog changeLog;

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
        this.changeLog = changes;
        return this;
    }

    public ResolveMissingOperation clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /**
     * What a resolve pass would do: the findings to resolve (each with its reason) and the assets
     * to remove, what it leaves because the snapshot did not cover it, and whether it is refused.
     */
    public record Plan(List<Resolved> toResolve, long alreadyResolved, List<String> assetsToRemove, long openBefore,
                       long assetsBefore, boolean refused, List<String> errors, long notCovered,
                       long assetsNotCovered, Map<Reason, Long> alreadyByReason) {
        /** Why it was refused, for the one line a person reads. */
        public String refusal(double share) {
            return "refused: the snapshot would resolve " + toResolve.size() + " of the account's " + openBefore
                    + " unresolved findings and remove " + assetsToRemove.size() + " of its " + assetsBefore
                    + " assets (more than " + Math.round(share * 100) + "%); nothing written. "
                    + "A truncated or failed scan looks like this; force it if the findings are really gone.";
        }
    }

    private enum Kind { RESOLVE, ALREADY, NOT_COVERED, OTHER, GONE, ERROR }

    /** @param resolved the finding to resolve; the asset's pair for an asset; the reason met for ALREADY */
    private record Look(Kind kind, String key, String error, Resolved resolved, Coverage.Pair pair, Reason reason) {
        static Look of(Kind kind, String key) {
            return new Look(kind, key, null, null, null, null);
        }
    }

    /** Reads what the resolve pass would change; writes nothing. */
    public Plan plan(SnapshotCensus snapshot) {
        Coverage coverage = snapshot.coverage();
        List<Resolved> toResolve = new ArrayList<>();
        List<String> assets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, Coverage.Pair> goneAssets = new HashMap<>();
        Map<Reason, Long> alreadyByReason = new EnumMap<>(Reason.class);
        long[] counts = new long[3]; // already resolved, findings not covered, assets not covered
        snapshot.contains(""); // sorts the census once, here, before threads look things up in it
        CentralKeys keys = new CentralKeys(central, centralPrefix, calls.retry());
        // Assets first: a missing finding's asset that is gone from the snapshot is known by
        // central's record of it, which the asset pass reads anyway.
        List<RecordKind> kinds = new ArrayList<>(snapshot.kinds());
        kinds.sort(java.util.Comparator.comparing(kind -> kind == RecordKind.ASSET ? 0 : 1));
        try (OrderedReads reads = new OrderedReads(concurrency, 1000)) {
            for (RecordKind kind : kinds) {
                call(() -> {
                    keys.forEachPage(kind, account, page -> {
                        List<String> missing = new ArrayList<>();
                        for (String key : page) {
                            if (!snapshot.contains(key)) {
                                missing.add(key);
                            }
                        }
                        reads.run(missing, key -> look(kind, key, snapshot, coverage, goneAssets), look -> {
                            switch (look.kind()) {
                                case RESOLVE -> {
                                    if (kind == RecordKind.FINDING) {
                                        toResolve.add(look.resolved());
                                    } else {
                                        goneAssets.put(look.key(), look.pair());
                                        if (coverage.isEmpty() || coverage.covers(look.pair())) {
                                            assets.add(look.key());
                                        } else {
                                            counts[2]++;
                                        }
                                    }
                                }
                                case ALREADY -> {
                                    counts[0]++;
                                    if (look.reason() != null) {
                                        alreadyByReason.merge(look.reason(), 1L, Long::sum);
                                    }
                                }
                                case NOT_COVERED -> counts[1]++;
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
        return new Plan(toResolve, counts[0], assets, openBefore, assetsBefore, refused, errors, counts[1], counts[2],
                alreadyByReason);
    }

    /** Resolves and removes what {@code plan} found; nothing when it was refused. */
    public ResolveMissingResult apply(Plan plan) {
        if (plan.refused()) {
            return new ResolveMissingResult(0, plan.alreadyResolved(), 0, plan.openBefore(), true, plan.errors(),
                    plan.notCovered(), plan.assetsNotCovered(), plan.alreadyByReason(), List.of());
        }
        List<String> errors = new ArrayList<>(plan.errors());
        CentralChanges indexChanges = new CentralChanges();
        List<Resolved> changes = new ArrayList<>();
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        byReason.putAll(plan.alreadyByReason());
        long[] already = {plan.alreadyResolved()};
        long[] removed = {0};
        List<String> keys = plan.toResolve().stream().map(Resolved::key).toList();
        Map<String, Reason> reasons = new HashMap<>();
        plan.toResolve().forEach(finding -> reasons.put(finding.key(), finding.reason()));
        try (OrderedReads reads = new OrderedReads(concurrency, 1000)) {
            int[] at = {0};
            reads.run(keys, key -> resolve(key, reasons.get(key), indexChanges), outcome -> {
                Resolved finding = plan.toResolve().get(at[0]++);
                if (outcome == null) {
                    changes.add(finding);
                    byReason.merge(finding.reason(), 1L, Long::sum);
                } else if (outcome.isEmpty()) {
                    already[0]++;
                } else {
                    errors.add(outcome);
                }
            });
            reads.run(plan.assetsToRemove(), key -> {
                try {
                    indexChanges.deleted(key);
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
        AccountIndexCorrection.apply(calls, centralPrefix, account, indexChanges).ifPresent(errors::add);
        return new ResolveMissingResult(changes.size(), already[0], removed[0], plan.openBefore(), false, errors,
                plan.notCovered(), plan.assetsNotCovered(), byReason, changes);
    }

    private Look look(RecordKind kind, String key, SnapshotCensus snapshot, Coverage coverage,
                      Map<String, Coverage.Pair> goneAssets) {
        Optional<StoredObject> object;
        try {
            object = call(() -> central.readRecord(key));
        } catch (StorageException e) {
            return new Look(Kind.ERROR, key, "read of " + key + " failed: " + e.getMessage() + "; not resolved",
                    null, null, null);
        }
        if (object.isEmpty()) {
            return Look.of(Kind.GONE, key);
        }
        Map<String, Object> record = parse(object.get());
        if (record == null) {
            return new Look(Kind.ERROR, key, key + ": not a JSON object; not resolved", null, null, null);
        }
        if (!provider.equals(record.get("_source_provider"))) {
            return Look.of(Kind.OTHER, key);
        }
        if (kind == RecordKind.ASSET) {
            return new Look(Kind.RESOLVE, key, null, null, Coverage.Pair.of(record), null);
        }
        if ("resolved".equals(record.get("status"))) {
            return new Look(Kind.ALREADY, key, null, null, null, Reason.of(record.get("_resolved_reason")));
        }
        Reason reason = reason(record, snapshot, coverage, goneAssets);
        if (reason == null) {
            return Look.of(Kind.NOT_COVERED, key);
        }
        return new Look(Kind.RESOLVE, key, null, new Resolved(key, text(record.get("id")), reason,
                text(record.get("severity")), text(record.get("title")), text(record.get("asset_id"))), null, null);
    }

    /**
     * Why a finding the snapshot lacks is resolved; null when the snapshot did not look where it
     * lies: its asset is gone from the snapshot, and central's record of the asset puts it in a
     * (region, resource type) the snapshot does not cover. A snapshot without an inventory stands
     * for the whole account; so it does for a finding on no asset (an account-wide check runs
     * wherever the scan ran) and for one whose asset no inventory ever listed (central holds no
     * record of it: nothing places it outside what the scan looked at).
     */
    private Reason reason(Map<String, Object> finding, SnapshotCensus snapshot, Coverage coverage,
                          Map<String, Coverage.Pair> goneAssets) {
        if (coverage.isEmpty() || !(finding.get("asset_id") instanceof String assetId) || assetId.isEmpty()) {
            return Reason.MISSING_FROM_SCAN;
        }
        String assetKey;
        try {
            assetKey = RecordKind.ASSET.path(centralPrefix, account, assetId);
        } catch (RuntimeException unsafe) {
            return null;
        }
        if (snapshot.contains(assetKey)) {
            return Reason.FIXED;
        }
        Coverage.Pair pair = goneAssets.get(assetKey);
        if (pair == null) {
            return Reason.MISSING_FROM_SCAN;
        }
        return coverage.covers(pair) ? Reason.RESOURCE_DELETED : null;
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }

    /** @return null when resolved, "" when someone resolved it meanwhile, else the error */
    private String resolve(String key, Reason reason, CentralChanges indexChanges) {
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
                String now = PythonTimestamps.isoformatNaiveUtc(clock.instant());
                Object statusBefore = record.get("status");
                Object severityBefore = record.get("severity");
                record.put("status", "resolved");
                record.put("_synced_at", now);
                // Engine keys: outside the checksum, so the original still verifies the record.
                record.put(RESOLVED_REASON, reason.text());
                record.put(RESOLVED_AT, now);
                if (checksum || record.containsKey("_checksum")) {
                    record.put("_checksum", Checksums.recordChecksum(record));
                }
                record.put("_version", CentralRecordCodec.versionOf(record) + 1);
                byte[] bytes = CanonicalJson.bytes(record);
                String token = object.get().versionToken();
                indexChanges.rewritten(key); // before the write: a failed one may still have landed
                call(() -> central.writeRecord(key, bytes, WriteCondition.ifMatch(token)));
                if (changeLog != null && key.startsWith(new CentralKeys(central, centralPrefix, calls.retry()).folder(RecordKind.FINDING))) {
                    changeLog.written(account, provider, true, statusBefore instanceof String s ? s : null,
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
