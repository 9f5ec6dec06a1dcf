package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the change feed back: per account, one listing per day of the range, then every object
 * listed. The accounts are those named, else those with state in central (one listing of
 * {@code _state/}). A line that is not a change is an error naming its object and line; the
 * other lines still count. A push's later part is read only when its first object is listed. Changes come out oldest first, then by account, then by id.
 */
public final class ChangeFeedReader {
    /** The order {@code changes} prints: oldest first, then account, then id (a push's own order after that). */
    public static final Comparator<FindingChange> ORDER = Comparator.comparing(FindingChange::at)
            .thenComparing(FindingChange::account).thenComparing(FindingChange::id);

    private final StorageAdapter central;
    private final StoreCalls calls;
    private final String centralPrefix;

    public ChangeFeedReader(StorageAdapter central, StoreCalls calls, String centralPrefix) {
        this.central = central;
        this.calls = calls;
        this.centralPrefix = centralPrefix;
    }

    /** The changes read, and what could not be read. */
    public record Read(List<FindingChange> changes, List<String> errors) {
    }

    /**
     * @param account    one account, or null for every account with state in central
     * @param minSeverity the lowest severity to keep ({@link FindingChangeJson#reaches}), or null for all
     */
    public Read read(Instant since, Instant until, String account, String minSeverity) {
        List<FindingChange> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        LocalDate first = since.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate last = until.atOffset(ZoneOffset.UTC).toLocalDate();
        for (String each : account != null ? List.of(account) : accounts()) {
            for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
                String folder = ChangeFeed.dayFolder(centralPrefix, each, day);
                List<String> keys = calls.call(() -> central.listRecords(folder), "listing " + folder);
                Set<String> listed = new HashSet<>(keys);
                for (String key : keys) {
                    // A later part counts only beside its push's first object, written last.
                    if (key.endsWith(".jsonl") && ChangeFeed.firstOfPart(key).map(listed::contains).orElse(true)) {
                        readObject(key, since, until, minSeverity, out, errors);
                    }
                }
            }
        }
        out.sort(ORDER);
        return new Read(List.copyOf(out), List.copyOf(errors));
    }

    private void readObject(String key, Instant since, Instant until, String minSeverity, List<FindingChange> out,
                            List<String> errors) {
        Optional<StoredObject> object = calls.call(() -> central.readRecord(key), "reading " + key);
        if (object.isEmpty()) {
            return; // expired or pruned between the listing and the read
        }
        String[] lines = new String(object.get().content(), StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            FindingChange change;
            try {
                Map<String, Object> map = JsonParser.parseObject(lines[i]);
                change = FindingChangeJson.fromMap(map);
            } catch (IllegalArgumentException e) {
                errors.add(key + " line " + (i + 1) + ": " + e.getMessage());
                continue;
            }
            Instant at = change.at().toInstant();
            if (at.isBefore(since) || !at.isBefore(until)) {
                continue;
            }
            if (minSeverity == null || FindingChangeJson.reaches(change, minSeverity)) {
                out.add(change);
            }
        }
    }

    /** Accounts with state in central: the folders under {@code _state/} that name an account. */
    private List<String> accounts() {
        String base = (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/";
        TreeSet<String> accounts = new TreeSet<>();
        for (String key : calls.call(() -> central.listRecords(base), "listing " + base)) {
            int slash = key.indexOf('/', base.length());
            if (slash > base.length()) {
                String account = key.substring(base.length(), slash);
                if (RecordPaths.isSafeAccount(account)) {
                    accounts.add(account);
                }
            }
        }
        return List.copyOf(accounts);
    }
}
