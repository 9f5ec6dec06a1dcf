package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.index.AccountIndex;
import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.model.SyncRecord;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What happened to one record, what the push index should learn from it, how its line counts
 * in the account's status (null until the push classified it), and whether it reopened a
 * resolved finding.
 */
public record Outcome(Outcome.Status status, boolean conflictResolved, String error, boolean retryable, SyncRecord state,
               Outcome.IndexUpdate indexUpdate, CountedAs counted, boolean reopened) {
    enum Status { SYNCED, SKIPPED, ERROR }

    private static final Logger LOG = Logger.getLogger(Outcome.class.getName());

    static Outcome synced(boolean conflictResolved, SyncRecord state) {
        return new Outcome(Status.SYNCED, conflictResolved, null, false, state, null, null, false);
    }

    static Outcome skipped(SyncRecord state) {
        return new Outcome(Status.SKIPPED, false, null, false, state, null, null, false);
    }

    static Outcome error(String message, boolean retryable) {
        return new Outcome(Status.ERROR, false, message, retryable, null, null, null, false);
    }

    /**
     * An exception no record should cause: a bug, reported as such rather than as bad input,
     * and logged with its stack trace so that it can be found.
     */
    static Outcome unexpected(String what, Throwable e) {
        LOG.log(Level.WARNING, "unexpected failure" + (what == null ? "" : " at " + what), e);
        return error((what == null ? "" : what + ": ") + "unexpected failure: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), false);
    }

    /** @param entry what central now holds; null when unknown (the index stops vouching for it) */
    Outcome indexing(AccountIndex index, PushIndex.Key key, PushIndex.Entry entry) {
        if (key == null || !index.enabled()) {
            return this;
        }
        return new Outcome(status, conflictResolved, error, retryable, state, new IndexUpdate(index, key, entry),
                counted, reopened);
    }

    /** This outcome, of a line that counts in its account's status as {@code how}. */
    Outcome counted(CountedAs how) {
        return new Outcome(status, conflictResolved, error, retryable, state, indexUpdate, how, reopened);
    }

    /**
     * This outcome, of a finding central held as resolved and that this push wrote open again
     * (with {@code _reopened_at}, without the {@code _resolved_*} keys); {@link #state()} names it.
     */
    Outcome reopening() {
        return new Outcome(status, conflictResolved, error, retryable, state, indexUpdate, counted, true);
    }

    /** Applied by the coordinating thread between batches, so the index needs no locking. */
    record IndexUpdate(AccountIndex index, PushIndex.Key key, PushIndex.Entry entry) {
        void apply() {
            index.learn(key, entry);
        }
    }

    /** An exception's message for an error line; its class name when it has none. */
    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
