package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which accounts report and which went quiet: one row per account that has a
 * {@code _state/{account}/} folder and provider it was pushed from, from its status objects
 * ({@link AccountStatus}) and the age
 * of its push index. Costs one listing of {@code _state/} (a few keys per account), a read of
 * each status object the listing found (one when the account's pushes read whole snapshots,
 * two when they push one file at a time) and the index's metadata; never a request per record.
 * With an expected list ({@link #expected}), an account on it that never pushed is a row of its
 * own, {@code "missing": true}, costing nothing more.
 */
public final class StatusOperation {
    /** A last push later than now by more than this (clocks differ a little) is wrong, and flagged stale. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final StoreCalls calls;
    private final StorageAdapter central;
    private final String centralPrefix;
    private final Duration staleAfter;
    private Clock clock = Clock.systemUTC();
    /** The accounts that should report; null when no list was given. */
    private Set<String> expected;

    StatusOperation(StorageAdapter central, String centralPrefix, Duration staleAfter) {
        this.calls = new StoreCalls(Objects.requireNonNull(central, "central"), "status of " + central.location());
        this.central = calls.store();
        this.centralPrefix = centralPrefix == null ? "" : centralPrefix;
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    public StatusOperation clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /**
     * The accounts that should report (a sources file's): each one without state gets a row of its
     * own, {@code missing}, and every row says whether its account is {@code expected}. Without a
     * list (null) rows have neither key.
     */
    public StatusOperation expected(Collection<String> accounts) {
        this.expected = accounts == null ? null : new TreeSet<>(accounts);
        return this;
    }

    /**
     * One account's row. {@code status} is null when the account has state but no status yet
     * (its pushes predate status keeping), or when its status is unreadable ({@code error} says
     * why): it is reported stale, since its last push is unknown. The counts are those of the
     * last complete push; none when no push completed.
     */
    public record Row(String account, AccountStatus status, Instant indexUpdated, boolean stale, String error,
                      Boolean missing, Boolean expected) {
        /** A row of a status without an expected list. */
        public Row(String account, AccountStatus status, Instant indexUpdated, boolean stale, String error) {
            this(account, status, indexUpdated, stale, error, null, null);
        }

        /** An expected account that never pushed: no state at all. */
        static Row missing(String account) {
            return new Row(account, null, null, false, null, true, true);
        }

        /** Whether the account is on the expected list and never pushed. */
        public boolean isMissing() {
            return Boolean.TRUE.equals(missing);
        }

        Row against(Set<String> expectedAccounts) {
            return new Row(account, status, indexUpdated, stale, error, false, expectedAccounts.contains(account));
        }

        public Map<String, Object> toMap() {
            boolean counted = status != null && status.lastPush() != null;
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("account", account);
            map.put("provider", status == null ? null : status.provider());
            map.put("findings", counted ? status.findings() : null);
            map.put("open", counted ? status.open() : null);
            map.put("resolved", counted ? status.resolved() : null);
            map.put("resolved_by_reason", !counted ? null : status.resolvedByReason() != null
                    ? new LinkedHashMap<>(status.resolvedByReason()) : AccountStatus.byReason(Map.of()));
            map.put("reopened", counted ? status.reopened() : null);
            map.put("assets", counted ? status.assets() : null);
            Map<String, Object> stored = status == null ? Map.of() : status.toMap();
            map.put("last_push", stored.get("last_push"));
            map.put("last_attempt", stored.get("last_attempt"));
            map.put("last_attempt_ok", status == null ? null : status.lastAttemptOk());
            if (status != null && status.lastError() != null) {
                map.put("last_error", status.lastError());
            }
            map.put("stale", stale);
            if (missing != null) {
                map.put("missing", missing);
                map.put("expected", expected);
            }
            if (error != null) {
                map.put("error", error);
            }
            return map;
        }
    }

    public List<Row> run() {
        String base = (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/";
        List<String> keys = call(() -> central.listRecords(base));
        TreeMap<String, Set<String>> accounts = new TreeMap<>();
        for (String key : keys) {
            int slash = key.indexOf('/', base.length());
            if (slash > base.length()) {
                accounts.computeIfAbsent(key.substring(base.length(), slash), a -> new HashSet<>()).add(key);
            }
        }
        Instant now = clock.instant();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Set<String>> account : accounts.entrySet()) {
            rows.addAll(rows(account.getKey(), account.getValue(), now));
        }
        if (expected == null) {
            return rows;
        }
        List<Row> all = new ArrayList<>();
        rows.forEach(row -> all.add(row.against(expected)));
        for (String account : expected) {
            if (!accounts.containsKey(account)) {
                all.add(Row.missing(account));
            }
        }
        all.sort(java.util.Comparator.comparing(Row::account));
        return all;
    }

    /** The account's rows: one per provider it was pushed from, or one without a status. */
    private List<Row> rows(String account, Set<String> present, Instant now) {
        List<AccountStatus> statuses;
        try {
            statuses = call(() -> AccountStatus.loadAll(central, centralPrefix, account, present));
        } catch (StorageException | IllegalArgumentException e) {
            return List.of(new Row(account, null, null, true, "status of account '" + account + "' unreadable: "
                    + e.getMessage()));
        }
        Instant indexUpdated = null;
        try {
            String indexKey = CrossCloudSync.indexPath(centralPrefix, account);
            indexUpdated = call(() -> central.getMetadata(indexKey)).map(ObjectMetadata::lastModified).orElse(null);
        } catch (StorageException | IllegalArgumentException e) {
            // The index is a cache: its age is informative, and an unreadable one is not the account's fault.
        }
        if (statuses.isEmpty()) {
            return List.of(new Row(account, null, indexUpdated, true, null));
        }
        List<Row> rows = new ArrayList<>();
        for (AccountStatus status : statuses) {
            // Only complete pushes count; one dated in the future says nothing about the account.
            boolean stale = status.lastPush() == null || status.lastPush().isBefore(now.minus(staleAfter))
                    || status.lastPush().isAfter(now.plus(CLOCK_SKEW));
            rows.add(new Row(account, status, indexUpdated, stale, null));
        }
        return rows;
    }

    private <T> T call(java.util.function.Supplier<T> call) {
        return calls.call(call);
    }
}
