package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.storage.StoredObject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The accounts' push indexes as one sync knows them in central: each read at most once, by
 * whichever part of the sync asks first (the check whether an unchanged snapshot's resolve pass
 * may be skipped, then the push that loads it), and, where a pass is to be remembered afterwards,
 * what the sync itself wrote there. Each holder writes only on the version it was handed, so
 * another writer's index in between is never overwritten: the write fails on its condition as it
 * would after a read of its own.
 *
 * <p>An index is about 100 bytes a record, so its bytes are held no longer than needed: the push
 * takes them when it loads the index, and what it writes is kept only for a sync that remembers
 * resolve passes. Only a read that succeeded is kept, present or absent; after a failed one the
 * next asker reads again, and reports the failure its own way.
 */
public final class StoredIndexes {
    private final Map<String, Optional<StoredObject>> known = new ConcurrentHashMap<>();
    private final boolean keepWritten;

    /** For a sync that reads what it wrote no more. */
    public StoredIndexes() {
        this(false);
    }

    /** @param keepWritten whether the indexes the push writes are kept for a step after it */
    public StoredIndexes(boolean keepWritten) {
        this.keepWritten = keepWritten;
    }

    /** The account's index: as known, else read with {@code read} (whose failure is not kept). */
    public Optional<StoredObject> get(String account, Supplier<Optional<StoredObject>> read) {
        Optional<StoredObject> index = known.get(account);
        if (index == null) {
            index = read.get();
            known.put(account, index);
        }
        return index;
    }

    /** As {@link #get}, for the push that loads the index: what was known is given up to it. */
    Optional<StoredObject> take(String account, Supplier<Optional<StoredObject>> read) {
        Optional<StoredObject> index = known.remove(account);
        return index != null ? index : read.get();
    }

    /**
     * The push that took the account's index left it as it was: central holds version
     * {@code token} (null: no index), whose content {@code content} gives, built only if kept.
     */
    void unchanged(String account, Supplier<byte[]> content, String token) {
        if (keepWritten) {
            known.put(account, token == null ? Optional.empty() : Optional.of(new StoredObject(content.get(), token)));
        }
    }

    /** The sync wrote {@code content} as the account's index, now at version {@code token}. */
    void written(String account, byte[] content, String token) {
        if (keepWritten && token != null) {
            known.put(account, Optional.of(new StoredObject(content, token)));
        } else {
            known.remove(account); // read it again if asked
        }
    }
}
