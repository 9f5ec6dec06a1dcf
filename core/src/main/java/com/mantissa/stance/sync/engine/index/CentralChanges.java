package com.mantissa.stance.sync.engine.index;

import java.util.HashSet;
import java.util.Set;

/**
 * What an operation other than a push (prune, the resolve pass) deleted or rewrote in central,
 * as the push index of one account must learn it: the index vouches for what central holds, so
 * an entry of a record that is gone, or that someone else rewrote, would make the next push skip
 * the very record it should write. Deleted records are forgotten (a push creates them again
 * without reading first); rewritten ones are kept but distrusted (a push reads them first and
 * decides with the conflict rule).
 */
public final class CentralChanges {
    private final Set<PushIndex.Key> deleted = new HashSet<>();
    private final Set<PushIndex.Key> rewritten = new HashSet<>();

    /** The record at central key {@code path} is gone. */
    public synchronized void deleted(String path) {
        PushIndex.Key key = PushIndex.key(path);
        deleted.add(key);
        rewritten.remove(key);
    }

    /** The record at central key {@code path} was written by someone other than a push. */
    public synchronized void rewritten(String path) {
        PushIndex.Key key = PushIndex.key(path);
        if (!deleted.contains(key)) {
            rewritten.add(key);
        }
    }

    public synchronized boolean isEmpty() {
        return deleted.isEmpty() && rewritten.isEmpty();
    }

    /**
     * {@code index} with these changes applied, or null when they change none of its entries
     * (then nothing needs writing back).
     */
    public synchronized PushIndex appliedTo(PushIndex index) {
        boolean touches = false;
        for (PushIndex.Key key : deleted) {
            touches |= index.get(key) != null;
        }
        for (PushIndex.Key key : rewritten) {
            PushIndex.Entry entry = index.get(key);
            touches |= entry != null && entry.trusted();
        }
        if (!touches) {
            return null;
        }
        // Open addressing without tombstones: the index is copied without the deleted entries. The
        // copy remembers no scan file: which files held the changed records is not known, and a
        // file the index showed unchanged would not be read to write them again.
        PushIndex out = new PushIndex(index.accountId(), index.size());
        index.forEach((key, entry) -> {
            if (!deleted.contains(key)) {
                out.put(key, entry);
            }
        });
        for (PushIndex.Key key : rewritten) {
            out.distrust(key);
        }
        out.markLoaded();
        return out;
    }
}
