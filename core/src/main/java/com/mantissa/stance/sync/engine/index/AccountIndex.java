package com.mantissa.stance.sync.engine.index;

import java.util.concurrent.atomic.AtomicInteger;

/** One account's push index during a sync, with what this sync learnt and whether to write it back. */
public final class AccountIndex {
    /** Blind creates that found the record present before a push stops trying them (index lost). */
    static final int BLIND_CREATE_COLLISIONS = 32;
    public static final AccountIndex DISABLED = new AccountIndex(null, null, null);

    public final String path;
    public final PushIndex index;
    /** Version token of the stored index; null when there was none. */
    public final String token;
    public final AtomicInteger created = new AtomicInteger();
    public final AtomicInteger collisions = new AtomicInteger();
    public boolean changed;
    public boolean overflow;

    public AccountIndex(String path, PushIndex index, String token) {
        this.path = path;
        this.index = index;
        this.token = token;
    }

    public boolean enabled() {
        return index != null;
    }

    public PushIndex.Entry get(PushIndex.Key key) {
        return index.get(key);
    }

    /**
     * Whether to create unknown records without reading first. Stops when most such
     * creates find the record present: central has records this index never saw (an index
     * lost or deleted), and reading first is then cheaper.
     */
    public boolean blindCreates() {
        int c = collisions.get();
        return c < BLIND_CREATE_COLLISIONS || c <= created.get();
    }

    /**
     * Applies one outcome, in input order. Two records of one sync with the same path
     * (a duplicated id) may finish in either order, so within a sync an entry never moves
     * back to a lower {@code _version}, and one that a failure made untrusted stays so.
     */
    public void learn(PushIndex.Key key, PushIndex.Entry entry) {
        PushIndex.Entry known = index.get(key);
        if (entry != null && known != null && index.learntSinceLoad(key)
                && (!known.trusted() || entry.version() < known.version())) {
            return;
        }
        if (entry == null) {
            if (known != null && known.trusted()) {
                index.distrust(key);
                changed = true;
            }
            return;
        }
        if (known != null && known.version() == entry.version() && known.time() == entry.time()
                && known.token().equals(entry.token()) && known.sameContent(entry.checksum())
                && known.checkedAt() == entry.checkedAt() && known.rawHi() == entry.rawHi()
                && known.rawLo() == entry.rawLo() && known.counted() == entry.counted()
                && known.findingState() == entry.findingState()) {
            return;
        }
        if (known == null && index.size() >= PushIndex.MAX_ENTRIES) {
            overflow = true;
            return;
        }
        index.put(key, entry);
        changed = true;
    }
}
