package com.mantissa.stance.sync.engine.push;

/**
 * One job a sync does against central: push, pull, and whatever comes next (resolving
 * missing records, export, prune, a resumable push). It reads its options and stores from
 * the session, runs its batches through the session's runner and reports every record's
 * outcome through {@link SyncSession#record}; a store-level failure ends it with
 * {@link SyncAbortedException}.
 */
public interface SyncOperation {
    void run(SyncSession session);
}
