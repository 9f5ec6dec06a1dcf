package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The finding changes of one push, collected as its records and its resolve pass are written,
 * per account: every write that landed tells it what central held before and what it holds
 * now. Also keeps, per account, the snapshot and the digests of the content pushed, from which
 * the push id derives. Thread-safe: the record push tells it from its workers.
 *
 * <p>It holds at most a bound of changes in memory, over all accounts; past it, each account's
 * changes are sorted and spilled as a run to a temporary file, which {@link #pushes()} merges
 * back. A first push of hundreds of thousands of findings so costs disk, not heap. Closing it
 * gives the disk back; the changes it returned are unreadable after that.
 */
public final class ChangeLog implements AutoCloseable {
    /** Changes held in memory before they spill to disk: some 400 bytes each, so about 10 MB. */
    static final int DEFAULT_HELD = 25_000;

    /** Sorts a push's changes as the feed stores them: by id, then in the order they happened. */
    static final Comparator<FindingChange> BY_ID = Comparator.comparing(FindingChange::id);

    private final OffsetDateTime at;
    private final int maxHeld;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private int held;
    private ChangeSpill spill;

    private static final class Account {
        final String account;
        String provider;
        String snapshot;
        final List<String> digests = new ArrayList<>();
        final List<FindingChange> changes = new ArrayList<>();
        final List<ChangeSpill.Run> runs = new ArrayList<>();

        Account(String account) {
            this.account = account;
        }
    }

    /** @param pushTime the push's time, which every change of it carries */
    public ChangeLog(Instant pushTime) {
        this(pushTime, DEFAULT_HELD);
    }

    /** @param maxHeld the changes held in memory, over all accounts, before they spill to disk */
    ChangeLog(Instant pushTime, int maxHeld) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, not " + maxHeld);
        }
        this.at = FindingChangeJson.pushTime(pushTime);
        this.maxHeld = maxHeld;
    }

    public OffsetDateTime at() {
        return at;
    }

    /** The snapshot {@code account}'s changes name; null for records that came from no snapshot. */
    public synchronized void snapshot(String account, String provider, String snapshot) {
        Account a = account(account);
        a.provider = provider;
        a.snapshot = snapshot;
    }

    /** The digest of one source of {@code account} as the push read it, in the order the push read them. */
    public synchronized void content(String account, String provider, String digest) {
        Account a = account(account);
        if (a.provider == null) {
            a.provider = provider;
        }
        a.digests.add(digest);
    }

    /**
     * A finding write that landed.
     *
     * @param existed        whether central held the finding before the write
     * @param beforeStatus   central's status before; null when it did not exist
     * @param beforeSeverity central's severity before; null when it did not exist
     * @param after          the record central holds now
     */
    public void written(String account, String provider, boolean existed, String beforeStatus,
                        String beforeSeverity, Map<String, Object> after) {
        String status = text(after, "status");
        String severity = text(after, "severity");
        FindingChange.Kind kind = ChangeRules.kind(existed, beforeStatus, beforeSeverity, status, severity);
        if (kind == null) {
            return;
        }
        String reason = kind == FindingChange.Kind.RESOLVED ? text(after, "_resolved_reason") : null;
        add(account, provider, kind, after, kind == FindingChange.Kind.SEVERITY_CHANGED ? beforeSeverity : null,
                reason);
    }

    private void add(String account, String provider, FindingChange.Kind kind, Map<String, Object> after,
                     String previousSeverity, String reason) {
        synchronized (this) {
            Account a = account(account);
            if (a.provider == null) {
                a.provider = provider;
            }
            a.changes.add(new FindingChange(at, account, provider, text(after, "id"), kind, text(after, "severity"),
                    previousSeverity, text(after, "title"), text(after, "asset_id"), a.snapshot, reason));
            if (++held >= maxHeld) {
                spillAll();
            }
        }
    }

    /** Every account's held changes, sorted, as one run each; in the order they happened, so a merge keeps it. */
    private void spillAll() {
        if (spill == null) {
            spill = new ChangeSpill();
        }
        for (Account a : accounts.values()) {
            if (!a.changes.isEmpty()) {
                a.changes.sort(BY_ID);
                a.runs.add(spill.write(a.changes));
                a.changes.clear();
            }
        }
        held = 0;
    }

    /** Changes held in memory now, over all accounts. */
    synchronized int held() {
        return held;
    }

    /**
     * Each account's changes so far, sorted by id, with the push id their content gives; not yet
     * recorded ({@link ChangeFeed#record} records them). Each list reads spilled runs from disk as
     * it is iterated.
     */
    public synchronized List<PushChanges> pushes() {
        List<PushChanges> out = new ArrayList<>(accounts.size());
        for (Account a : accounts.values()) {
            List<FindingChange> sorted = new ArrayList<>(a.changes);
            sorted.sort(BY_ID);
            out.add(new PushChanges(a.account, a.provider == null ? "" : a.provider, a.snapshot, pushId(a), null,
                    false, new ChangeList(spill, a.runs, sorted, at, a.account)));
        }
        return out;
    }

    /** Gives back the disk of spilled changes; the lists {@link #pushes()} returned cannot be read after. */
    @Override
    public synchronized void close() {
        if (spill != null) {
            spill.close();
        }
    }

    /**
     * The push id: the first 128 bits, in hex, of SHA-256 over the account, provider, snapshot
     * and the digests of the content pushed, so a rescan under the same snapshot is a new push
     * only when its content changed.
     */
    private static String pushId(Account a) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
        for (String part : List.of(a.account, String.valueOf(a.provider), String.valueOf(a.snapshot))) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        for (String digest : a.digests) {
            sha.update(digest.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private Account account(String account) {
        return accounts.computeIfAbsent(account, Account::new);
    }

    private static String text(Map<String, Object> record, String key) {
        return record.get(key) instanceof String s ? s : null;
    }
}
