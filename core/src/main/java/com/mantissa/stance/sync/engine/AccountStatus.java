package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the last pushes of an account left under {@code _state/{account}/}, so that a status
 * report costs a read or two per account instead of a read per record: the provider, when and
 * which snapshot was pushed, and the account's counts. The counts are those the push took of the
 * pushed snapshot; after a push with resolve-missing they also include the findings it resolved
 * or found resolved, which is then exactly the account's findings in central.
 *
 * <p>A push writes one object, without reading any: {@code status.{provider}.json} when it read
 * both kinds of file whole, {@code status-findings.{provider}.json} or
 * {@code status-assets.{provider}.json} when it read only one (an event-driven push of one
 * file). Each kind's counts are those of the newest object that has them; provider, time and
 * snapshot those of the newest object. So a push of one kind never
 * has to read the other kind's counts to carry them over, and two pushes of different kinds of
 * one account, running at once, cannot overwrite each other's counts.
 *
 * <p>Each provider an account id is pushed from has objects of its own, the provider before
 * {@code .json} ({@code status.aws.json}, {@code status-findings.aws.json},
 * {@code attempt.aws.json}), so one account id on two providers shows both, and a prune of one
 * provider removes that provider's status only. Objects without the provider in their name
 * (written before) count for the provider they name inside.
 *
 * <p>Only a complete push writes those objects: {@code last_push} is the last push that
 * attempted every record. A push that did not ({@code --deadline} passed, transient store
 * failures) writes {@code attempt.{provider}.json} instead, with the time and first error of
 * the attempt, and leaves the counts and {@code last_push} of the last complete push alone. So
 * {@code last_attempt}, {@code last_attempt_ok} and {@code last_error} describe the latest
 * attempt, complete or not, and an account whose pushes never complete has no {@code last_push}.
 */
public record AccountStatus(String account, String provider, Instant lastPush, String snapshot, long findings,
                            long open, long resolved, long assets, Instant lastAttempt, boolean lastAttemptOk,
                            String lastError, long reopened, Map<String, Long> resolvedByReason) {
    private static final Set<RecordKind> BOTH = EnumSet.allOf(RecordKind.class);
    private static final String ATTEMPT = "attempt";
    private static final String BY_REASON = "resolved_by_reason";

    public AccountStatus {
        // null: no resolve pass counted them (the push ran without one).
        resolvedByReason = resolvedByReason == null ? null : byReason(resolvedByReason);
    }

    /** A status without reopenings or reasons. */
    public AccountStatus(String account, String provider, Instant lastPush, String snapshot, long findings,
                         long open, long resolved, long assets, Instant lastAttempt, boolean lastAttemptOk,
                         String lastError) {
        this(account, provider, lastPush, snapshot, findings, open, resolved, assets, lastAttempt, lastAttemptOk,
                lastError, 0, null);
    }

    /** Every reason with its count, in the reasons' order; 0 for a reason {@code counts} lacks. */
    static Map<String, Long> byReason(Map<?, ?> counts) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (ResolveMissingResult.Reason reason : ResolveMissingResult.Reason.values()) {
            Object n = counts == null ? null : counts.get(reason.text());
            map.put(reason.text(), n instanceof Number number ? number.longValue() : 0L);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /** The status of a complete push that had no errors. */
    public AccountStatus(String account, String provider, Instant lastPush, String snapshot, long findings,
                         long open, long resolved, long assets) {
        this(account, provider, lastPush, snapshot, findings, open, resolved, assets, lastPush, true, null);
    }

    /** {@code {prefix}/_state/{account}/status.{provider}.json}: the status of a push of both kinds. */
    public static String key(String centralPrefix, String account, String provider) {
        return key(centralPrefix, account, provider, BOTH);
    }

    /** The object a push from {@code provider} that read {@code kinds} whole writes. */
    static String key(String centralPrefix, String account, String provider, Set<RecordKind> kinds) {
        String name;
        if (kinds.containsAll(BOTH)) {
            name = "status";
        } else if (kinds.size() == 1) {
            name = "status-" + kinds.iterator().next().folder();
        } else {
            throw new IllegalArgumentException("a status holds the counts of at least one kind of record");
        }
        return PruneOperation.stateFolder(centralPrefix, account) + name + qualifier(provider) + ".json";
    }

    /** {@code {prefix}/_state/{account}/attempt.{provider}.json}: the latest push that did not complete. */
    static String attemptKey(String centralPrefix, String account, String provider) {
        return PruneOperation.stateFolder(centralPrefix, account) + ATTEMPT + qualifier(provider) + ".json";
    }

    private static String qualifier(String provider) {
        return provider == null || !RecordPaths.isSafeAccount(provider) ? "" : "." + provider;
    }

    /**
     * Whether {@code key} is a status or attempt object of {@code provider}: named for it, or
     * named for no provider (written before names carried one) and naming it inside.
     */
    static boolean isStatusOf(StorageAdapter central, String key, String provider) {
        if (!isStatusKey(key) || provider == null) {
            return false;
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (name.endsWith(qualifier(provider) + ".json")) {
            return true;
        }
        if (name.chars().filter(c -> c == '.').count() > 1) {
            return false; // another provider's
        }
        Optional<StoredObject> object = Retry.defaults().call(() -> central.readRecord(key));
        try {
            return object.isPresent() && provider.equals(JsonParser.parseObject(
                    new String(object.get().content(), StandardCharsets.UTF_8)).get("provider"));
        } catch (IllegalArgumentException unreadable) {
            return false; // not known to be this provider's: kept
        }
    }

    /** Whether {@code key} is a status or attempt object (of any provider, or of none). */
    static boolean isStatusKey(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return (name.startsWith("status") || name.startsWith(ATTEMPT)) && name.endsWith(".json");
    }

    /**
     * The status after a push that counted {@code counted}, and of the resolve pass when one ran
     * (else null). Only the counts of {@code counted.kinds()} mean anything: those are stored.
     */
    public static AccountStatus afterPush(String account, String provider, Instant at, String snapshot,
                                          SnapshotCounts counted, ResolveMissingResult resolve, String firstError) {
        long findings = counted.findings();
        long resolved = counted.resolved();
        if (resolve != null && !resolve.refused()) {
            findings += resolve.resolved() + resolve.alreadyResolved();
            resolved += resolve.resolved() + resolve.alreadyResolved();
        }
        Map<String, Long> reasons = null;
        if (resolve != null && !resolve.refused()) {
            reasons = new LinkedHashMap<>();
            for (Map.Entry<ResolveMissingResult.Reason, Long> e : resolve.resolvedByReason().entrySet()) {
                reasons.put(e.getKey().text(), e.getValue());
            }
        }
        return new AccountStatus(account, provider, at, snapshot, findings, counted.open(), resolved,
                counted.assets(), at, firstError == null, firstError, counted.reopenedCount(), reasons);
    }

    /**
     * Records a push of {@code account} that did not complete, failing with {@code error}: its
     * own object, so the last complete push's counts and time stay as they were.
     */
    public static void storeIncompleteAttempt(StorageAdapter central, String centralPrefix, String account,
                                              String provider, Instant at, String error) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("account", account);
        map.put("provider", provider);
        map.put("last_attempt", timestamp(at));
        map.put("last_attempt_ok", false);
        map.put("last_error", error);
        write(central, attemptKey(centralPrefix, account, provider), map, account);
    }

    private static String timestamp(Instant at) {
        return at == null ? null : PythonTimestamps.isoformatNaiveUtc(at) + "+00:00";
    }

    /** The status with every count, as {@code status --json} reports it. */
    public Map<String, Object> toMap() {
        return toMap(BOTH);
    }

    private Map<String, Object> toMap(Set<RecordKind> kinds) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("account", account);
        map.put("provider", provider);
        map.put("last_push", timestamp(lastPush));
        map.put("snapshot", snapshot);
        map.put("last_attempt", timestamp(lastAttempt));
        map.put("last_attempt_ok", lastAttemptOk);
        if (lastError != null) {
            map.put("last_error", lastError);
        }
        if (kinds.contains(RecordKind.FINDING)) {
            map.put("findings", findings);
            map.put("open", open);
            map.put("resolved", resolved);
            map.put("reopened", reopened);
            if (resolvedByReason != null) {
                map.put(BY_REASON, new LinkedHashMap<>(resolvedByReason));
            }
        }
        if (kinds.contains(RecordKind.ASSET)) {
            map.put("assets", assets);
        }
        return map;
    }

    /** Writes this status with every count ({@code status.{provider}.json}). */
    public void store(StorageAdapter central, String centralPrefix) {
        store(central, centralPrefix, BOTH);
    }

    /**
     * Writes this status with the counts of {@code kinds} only, to that set's object;
     * unconditionally: the last push's word is the one that counts.
     */
    public void store(StorageAdapter central, String centralPrefix, Set<RecordKind> kinds) {
        write(central, key(centralPrefix, account, provider, kinds), toMap(kinds), account);
    }

    private static void write(StorageAdapter central, String key, Map<String, Object> map, String account) {
        byte[] bytes = (CanonicalJson.writeUnsorted(map) + "\n").getBytes(StandardCharsets.UTF_8);
        new StoreCalls(central, "writing the status of account '" + account + "' to " + central.location())
                .call(() -> central.writeRecord(key, bytes));
    }

    /**
     * The stored status of {@code account}, of the provider pushed from last when there are
     * several; empty when none was written yet. Lists the account's state folder first.
     *
     * @throws IllegalArgumentException when a stored object is not a status
     */
    public static Optional<AccountStatus> load(StorageAdapter central, String centralPrefix, String account) {
        String folder = PruneOperation.stateFolder(centralPrefix, account);
        return loadAll(central, centralPrefix, account, Retry.defaults().call(() -> central.listRecords(folder)))
                .stream().max(java.util.Comparator.comparing(AccountStatus::lastAttempt,
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    }

    /**
     * The status of {@code account} for each provider it was pushed from, by provider, from the
     * status objects among {@code present} (keys a listing found); none when there are none.
     */
    static List<AccountStatus> loadAll(StorageAdapter central, String centralPrefix, String account,
                                       Collection<String> present) {
        Map<String, List<Map<String, Object>>> byProvider = new java.util.TreeMap<>();
        for (String key : new java.util.TreeSet<>(present)) {
            if (!key.startsWith(PruneOperation.stateFolder(centralPrefix, account)) || !isStatusKey(key)) {
                continue;
            }
            Optional<StoredObject> object = new StoreCalls(central, "reading the status of account '" + account
                    + "' in " + central.location()).call(() -> central.readRecord(key));
            if (object.isEmpty()) {
                continue;
            }
            Map<String, Object> map;
            try {
                map = JsonParser.parseObject(new String(object.get().content(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(central.location() + "/" + key + " is not a status object: "
                        + e.getMessage(), e);
            }
            map.put("last_push", time(central, key, map, "last_push"));
            map.put("last_attempt", time(central, key, map, "last_attempt"));
            map.put(ATTEMPT, key.substring(key.lastIndexOf('/') + 1).startsWith(ATTEMPT));
            byProvider.computeIfAbsent(String.valueOf(map.get("provider")), p -> new ArrayList<>()).add(map);
        }
        List<AccountStatus> statuses = new ArrayList<>();
        for (List<Map<String, Object>> objects : byProvider.values()) {
            of(account, objects).ifPresent(statuses::add);
        }
        return statuses;
    }

    /** One provider's status from its objects: each kind's counts from the newest that has them. */
    private static Optional<AccountStatus> of(String account, List<Map<String, Object>> objects) {
        Map<String, Object> newest = null;
        Map<String, Object> findings = null;
        Map<String, Object> assets = null;
        Map<String, Object> attempt = null;
        Map<String, Object> reasons = null;
        for (Map<String, Object> map : objects) {
            if (Boolean.TRUE.equals(map.get(ATTEMPT))) {
                attempt = attempt == null || later(map, attempt, "last_attempt") ? map : attempt;
                continue;
            }
            newest = newer(newest, map);
            findings = map.containsKey("findings") ? newer(findings, map) : findings;
            assets = map.containsKey("assets") ? newer(assets, map) : assets;
            reasons = map.get(BY_REASON) instanceof Map<?, ?> ? newer(reasons, map) : reasons;
        }
        Map<String, Long> byReason = reasons == null ? null : byReason((Map<?, ?>) reasons.get(BY_REASON));
        Instant lastPush = newest == null ? null : (Instant) newest.get("last_push");
        Instant attempted = attempt == null ? null : (Instant) attempt.get("last_attempt");
        if (attempt != null && (lastPush == null || (attempted != null && attempted.isAfter(lastPush)))) {
            // The latest attempt did not complete: the last complete push's counts, the attempt's outcome.
            Map<String, Object> from = newest == null ? attempt : newest;
            return Optional.of(new AccountStatus(account, text(attempt, "provider"), lastPush, text(from, "snapshot"),
                    count(findings, "findings"), count(findings, "open"), count(findings, "resolved"),
                    count(assets, "assets"), attempted, false, text(attempt, "last_error"),
                    count(findings, "reopened"), byReason));
        }
        if (newest == null) {
            return Optional.empty();
        }
        Instant lastAttempt = newest.get("last_attempt") instanceof Instant at ? at : lastPush;
        return Optional.of(new AccountStatus(account, text(newest, "provider"), lastPush, text(newest, "snapshot"),
                count(findings, "findings"), count(findings, "open"), count(findings, "resolved"),
                count(assets, "assets"), lastAttempt, !Boolean.FALSE.equals(newest.get("last_attempt_ok")),
                text(newest, "last_error"), count(findings, "reopened"), byReason));
    }

    private static boolean later(Map<String, Object> a, Map<String, Object> b, String field) {
        return a.get(field) instanceof Instant at && (!(b.get(field) instanceof Instant bt) || at.isAfter(bt));
    }

    private static String text(Map<String, Object> map, String name) {
        return map.get(name) instanceof String s ? s : null;
    }

    private static Instant time(StorageAdapter central, String key, Map<String, Object> map, String name) {
        return map.get(name) instanceof String s
                ? PythonTimestamps.toInstant(s).orElseThrow(() -> new IllegalArgumentException(
                        central.location() + "/" + key + ": " + name + " '" + s + "' is not a timestamp"))
                : null;
    }

    /** The later of two statuses by last push (one without a time is the older); {@code b} on a tie. */
    private static Map<String, Object> newer(Map<String, Object> a, Map<String, Object> b) {
        if (a == null || a.get("last_push") == null) {
            return b;
        }
        Instant bAt = (Instant) b.get("last_push");
        return bAt != null && !bAt.isBefore((Instant) a.get("last_push")) ? b : a;
    }

    private static long count(Map<String, Object> map, String name) {
        return map != null && map.get(name) instanceof Number n ? n.longValue() : 0;
    }
}
