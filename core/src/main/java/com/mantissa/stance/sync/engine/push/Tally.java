package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import java.util.ArrayList;
import java.util.List;

/** Counts of one sync; errors past {@link #MAX_LISTED_ERRORS} are counted, not kept. Coordinating thread only. */
public final class Tally {
    /** Errors kept verbatim; a file of garbage must not exhaust memory with messages. */
    static final int MAX_LISTED_ERRORS = 10_000;

    private long synced;
    private long skipped;
    private long conflicts;
    private long retryable;
    private long unlisted;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** A problem that costs requests but fails no record; see {@link SyncResult#warnings()}. */
    void warn(String warning) {
        if (warnings.size() < MAX_LISTED_ERRORS) {
            warnings.add(warning);
        }
    }

    void add(Outcome o) {
        switch (o.status()) {
            case SYNCED -> synced++;
            case SKIPPED -> skipped++;
            case ERROR -> {
                if (errors.size() < MAX_LISTED_ERRORS) {
                    errors.add(o.error());
                } else {
                    unlisted++;
                }
                if (o.retryable()) {
                    retryable++;
                }
            }
        }
        if (o.conflictResolved()) {
            conflicts++;
        }
    }

    /** Records skipped without being read (their scan file is unchanged). */
    void skipped(long records) {
        skipped += records;
    }

    public SyncResult toResult(double seconds, SyncDirection direction) {
        List<String> all = new ArrayList<>(errors);
        if (unlisted > 0) {
            all.add(unlisted + " further errors not listed");
        }
        return new SyncResult(synced, skipped, conflicts, all, seconds, direction, retryable, warnings);
    }
}
