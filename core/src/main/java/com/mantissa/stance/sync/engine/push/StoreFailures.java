package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.PermanentStorageException;

/**
 * Turns a store-level failure into the one error that stops a sync, and keeps credentials
 * out of it. Adapters already leave secrets out of their messages; this is the second line,
 * for whatever an SDK or a server put in a message: user info and query strings of URLs
 * (signed URLs, SAS tokens) and {@code key=value} secrets of connection strings.
 */
public final class StoreFailures {
    private StoreFailures() {
    }

    /**
     * @param role  what the store is to this sync: {@code central}, {@code pull target}, a source's name
     * @param where the store's location (adapters give it without credentials) or a source's name
     */
    static SyncAbortedException abort(String role, String where, PermanentStorageException e) {
        return new SyncAbortedException("sync stopped: the " + role + " " + redact(where) + " cannot be used: "
                + redact(Outcome.message(e)), e);
    }

    /** {@link StoreCalls#redact}: the one redaction. */
    public static String redact(String text) {
        return StoreCalls.redact(text);
    }
}
