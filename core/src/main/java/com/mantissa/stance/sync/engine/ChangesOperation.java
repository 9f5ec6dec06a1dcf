package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeFeedReader;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Lists what pushes changed in central's findings between two times, from the change feed:
 * one listing per account and day of the range, then a read of each object listed (accounts
 * are those named, else those with state in central, found with one more listing). Oldest
 * first, then by account, then by id.
 */
public final class ChangesOperation {
    private final StorageAdapter central;
    private final String centralPrefix;
    private Instant since;
    private Instant until;
    private String account;
    private String minSeverity;

    ChangesOperation(StorageAdapter central, String centralPrefix, Instant since, Instant until) {
        this.central = central;
        this.centralPrefix = centralPrefix;
        this.since = Objects.requireNonNull(since, "since");
        this.until = Objects.requireNonNull(until, "until");
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
    }

    /** Only this account's changes; null for all. */
    public ChangesOperation account(String account) {
        if (account != null) {
            RecordPaths.validateAccount(account);
        }
        this.account = account;
        return this;
    }

    /**
     * Only changes at or above this severity (a {@code severity_changed} whose old or new
     * severity reaches it); null for all.
     *
     * @throws IllegalArgumentException when it is not a severity
     */
    public ChangesOperation minSeverity(String severity) {
        if (severity != null && FindingChangeJson.rank(severity) < 0) {
            throw new IllegalArgumentException("unknown severity '" + severity
                    + "'; expected critical, high, medium, low or info");
        }
        this.minSeverity = severity;
        return this;
    }

    /** The changes, the objects or lines that could not be read, and the requests it took. */
    public record Result(List<FindingChange> changes, List<String> errors, RequestCounts requests) {
    }

    /** @throws com.mantissa.stance.sync.model.SyncAbortedException when central cannot be listed or read */
    public Result run() {
        StoreCalls calls = new StoreCalls(central, "change feed of " + central.location());
        ChangeFeedReader.Read read = new ChangeFeedReader(calls.store(), calls, centralPrefix)
                .read(since, until, account, minSeverity);
        return new Result(read.changes(), read.errors(), calls.counts());
    }
}
