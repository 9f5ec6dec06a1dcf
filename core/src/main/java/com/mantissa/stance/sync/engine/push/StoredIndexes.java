package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.storage.StoredObject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The accounts' push indexes as one sync knows them in central: each read at most once, by
 * whichever part of the sync asks first (the check whether an unchanged snapshot's resolve pass
 * may be skipped, then the push that loads the index), and what the sync itself wrote there since.
 * Each holder writes only on the version it was handed, so another writer's index in between is
 * never overwritten: the write fails on its condition as it would after a read of its own.
 *
 * <p>Only a read that succeeded is kept, present or absent; after a failed one the next asker
 * reads again, and reports the failure its own way.
 */
public final class StoredIndexes {
    private final Map<String, Optional<StoredObject>> known = new ConcurrentHashMap<>();

    /** The account's index: as known, else read with {@code read} (whose failure is not kept). */
    public Optional<StoredObject> get(String account, Supplier<Optional<StoredObject>> read) {
        Optional<StoredObject> index = known.get(account);
        if (index == null) {
            index = read.get();
            known.put(account, index);
        }
        return index;
    }

    /** The sync wrote {@code content} as the account's index, now at version {@code token}. */
    void written(String account, byte[] content, String token) {
        if (token == null) {
            known.remove(account); // a store that returns no version: read it again when asked
        } else {
            known.put(account, Optional.of(new StoredObject(content, token)));
        }
    }
}
