package com.mantissa.stance.sync.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Outcome of one {@code sync()}: the original's {@code to_dict} keys, success = no errors. */
public final class SyncResult {
    private final long recordsSynced;
    private final long recordsSkipped;
    private final long conflictsResolved;
    private final List<String> errors;
    private final double durationSeconds;
    private final SyncDirection syncDirection;
    private final long retryableErrors;
    private final List<String> warnings;

    public SyncResult(long recordsSynced, long recordsSkipped, long conflictsResolved, List<String> errors,
                      double durationSeconds, SyncDirection syncDirection) {
        this(recordsSynced, recordsSkipped, conflictsResolved, errors, durationSeconds, syncDirection, 0);
    }

    /**
     * @param retryableErrors how many of {@code errors} came from transient store failures
     *                        (throttling, 5xx, timeouts), so that a function can let its
     *                        platform retry rather than give up
     */
    public SyncResult(long recordsSynced, long recordsSkipped, long conflictsResolved, List<String> errors,
                      double durationSeconds, SyncDirection syncDirection, long retryableErrors) {
        this(recordsSynced, recordsSkipped, conflictsResolved, errors, durationSeconds, syncDirection, retryableErrors,
                List.of());
    }

    /**
     * @param warnings problems that cost requests but lost or failed no record (a push index
     *                 that could not be read or written); they do not affect {@link #success()}
     */
    public SyncResult(long recordsSynced, long recordsSkipped, long conflictsResolved, List<String> errors,
                      double durationSeconds, SyncDirection syncDirection, long retryableErrors,
                      List<String> warnings) {
        this.retryableErrors = retryableErrors;
        this.warnings = List.copyOf(warnings);
        this.recordsSynced = recordsSynced;
        this.recordsSkipped = recordsSkipped;
        this.conflictsResolved = conflictsResolved;
        this.errors = Collections.unmodifiableList(new ArrayList<>(errors));
        this.durationSeconds = durationSeconds;
        this.syncDirection = syncDirection;
    }

    public boolean success() {
        return errors.isEmpty();
    }

    public long recordsSynced() {
        return recordsSynced;
    }

    public long recordsSkipped() {
        return recordsSkipped;
    }

    public long conflictsResolved() {
        return conflictsResolved;
    }

    public List<String> errors() {
        return errors;
    }

    public double durationSeconds() {
        return durationSeconds;
    }

    public SyncDirection syncDirection() {
        return syncDirection;
    }

    /** Errors caused by transient store failures; a re-run may clear them. Not part of {@link #toMap()}. */
    public long retryableErrors() {
        return retryableErrors;
    }

    /**
     * Problems that lost or failed no record but deserve attention, such as a push index that
     * could not be read or written (the push then costs more requests). Not part of
     * {@link #toMap()} and no influence on {@link #success()}.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** Sums two results (BIDIRECTIONAL = push then pull), keeping {@code direction}. */
    public SyncResult plus(SyncResult other, SyncDirection direction) {
        List<String> all = new ArrayList<>(errors);
        all.addAll(other.errors);
        List<String> allWarnings = new ArrayList<>(warnings);
        allWarnings.addAll(other.warnings);
        return new SyncResult(recordsSynced + other.recordsSynced, recordsSkipped + other.recordsSkipped,
                conflictsResolved + other.conflictsResolved, all, durationSeconds + other.durationSeconds,
                direction, retryableErrors + other.retryableErrors, allWarnings);
    }

    /** Exactly the original's {@code to_dict()} keys, in its order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", success());
        m.put("records_synced", recordsSynced);
        m.put("records_skipped", recordsSkipped);
        m.put("conflicts_resolved", conflictsResolved);
        m.put("errors", errors);
        m.put("duration_seconds", durationSeconds);
        m.put("sync_direction", syncDirection.value());
        return m;
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
