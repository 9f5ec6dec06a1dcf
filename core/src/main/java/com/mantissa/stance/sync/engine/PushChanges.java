package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeList;
import com.mantissa.stance.sync.model.FindingChange;
import java.util.List;
import java.util.Objects;

/**
 * What one push of one account changed in central's findings, in the order the change feed
 * stores them (by id), as the change feed recorded it.
 *
 * @param push     the push id, derived from the snapshot's content: a re-push of the same
 *                 content has the same id
 * @param key      the central key of the feed object; null when nothing was written (no
 *                 changes, a dry run)
 * @param recorded whether this push wrote the feed object; false when it has no changes, in a
 *                 dry run, or when an object of the same push was there already (a redelivered
 *                 event whose first delivery recorded it): then the changes were told before
 * @param changes  the changes, empty when there were none; a push's own are a {@link ChangeList},
 *                 which may read them from disk: iterate it rather than index it
 */
public record PushChanges(String account, String provider, String snapshot, String push, String key,
                          boolean recorded, List<FindingChange> changes) {
    public PushChanges {
        Objects.requireNonNull(account, "account");
        changes = changes instanceof ChangeList spilled ? spilled : List.copyOf(changes);
    }
}
