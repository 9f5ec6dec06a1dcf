package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.index.AccountIndex;
import com.mantissa.stance.sync.engine.index.CorruptIndexException;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads each account's push index from central at the start of a push and writes it back at
 * the end, merging with any index another sync stored meanwhile. The index is a cache: a
 * missing, unreadable or corrupt one only costs requests. An index that cannot be read,
 * parsed or written is reported as a warning of the result ({@code SyncResult.warnings()}),
 * not as a record error: no record failed, and the sync's success stays the records' own.
 */
public final class AccountIndexStore {
    /** Conditional writes of an account's index before giving up on it for this sync. */
    static final int INDEX_WRITE_ATTEMPTS = 4;
    /** The folder under the central prefix that holds the indexes, one subfolder per account. */
    static final String STATE_FOLDER = "_state/";
    private static final Logger LOG = Logger.getLogger(AccountIndexStore.class.getName());

    private final SyncSession session;
    private final StoredIndexes indexes;
    /**
     * Warnings of index reads, reported when the push ends: a read that fails because central
     * cannot be used at all is followed by a record's call stopping the sync, and then that one
     * error is all a user sees.
     */
    private final List<Runnable> pendingWarnings = new ArrayList<>();

    /** @param indexes what this sync already read or wrote of the accounts' indexes */
    public AccountIndexStore(SyncSession session, StoredIndexes indexes) {
        this.session = session;
        this.indexes = indexes;
    }

    /** The central key of {@code accountId}'s push index. */
    public static String indexPath(String centralPrefix, String accountId) {
        RecordPaths.validateAccount(accountId);
        return (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + STATE_FOLDER + accountId + "/push-index.bin";
    }

    AccountIndex load(String accountId) {
        SyncOptions options = session.options();
        if (!options.useIndex() || options.dryRun()) {
            return AccountIndex.DISABLED;
        }
        String path;
        try {
            path = indexPath(options.config().centralPrefix(), accountId);
        } catch (InvalidRecordException e) {
            return AccountIndex.DISABLED; // every record of this account fails validation anyway
        }
        StorageAdapter central = session.central();
        Optional<StoredObject> stored;
        try {
            stored = indexes.take(accountId, () -> session.callForCache(() -> central.readRecord(path)));
        } catch (StorageException e) {
            // Without its token the index cannot be replaced safely; records are read first instead.
            String warning = "push index " + path + " in " + central.location() + " could not be read ("
                    + Outcome.message(e) + "); pushed without it, reading each record first";
            pendingWarnings.add(() -> warn(warning, e));
            return AccountIndex.DISABLED;
        }
        if (stored.isEmpty()) {
            return new AccountIndex(path, new PushIndex(accountId), null);
        }
        try {
            return new AccountIndex(path, PushIndex.parse(stored.get().content(), accountId),
                    stored.get().versionToken());
        } catch (CorruptIndexException corrupt) {
            warn("push index " + path + " in " + central.location() + " is corrupt (" + corrupt.getMessage()
                    + "); rebuilt from this push", null);
            AccountIndex rebuilt = new AccountIndex(path, new PushIndex(accountId), stored.get().versionToken());
            rebuilt.changed = true; // replace the corrupt one even if no record changes
            return rebuilt;
        }
    }

    /**
     * Writes an account's index back if this sync changed it, replacing only the version it
     * read; when another sync replaced it meanwhile, takes in that one's newer entries and
     * tries again. Failing is not a sync error: the next push only spends more requests.
     */
    void store(AccountIndex index) {
        if (index.overflow) {
            warn("push index " + index.path + " not kept: over " + PushIndex.MAX_ENTRIES
                    + " records; pushes of this account read each record first", null);
            return;
        }
        if (!index.enabled() || session.options().dryRun()) {
            return;
        }
        if (!index.changed) {
            // Central still holds the version this push took: a later push of the sync may take it unread.
            indexes.unchanged(index.index.accountId(), index.index::serialize, index.token);
            return;
        }
        StorageAdapter central = session.central();
        String token = index.token;
        for (int attempt = 1; attempt <= INDEX_WRITE_ATTEMPTS; attempt++) {
            byte[] bytes = index.index.serialize();
            WriteCondition condition = token == null ? WriteCondition.IF_ABSENT : WriteCondition.ifMatch(token);
            try {
                String written = session.callForCache(() -> central.writeRecord(index.path, bytes, condition));
                indexes.written(index.index.accountId(), bytes, written);
                return;
            } catch (PreconditionFailedException | NotFoundException replaced) {
                try {
                    Optional<StoredObject> theirs = session.callForCache(() -> central.readRecord(index.path));
                    token = theirs.map(StoredObject::versionToken).orElse(null);
                    if (theirs.isPresent()) {
                        index.index.mergeNewer(PushIndex.parse(theirs.get().content(), index.index.accountId()));
                    }
                } catch (CorruptIndexException corrupt) {
                    // Replace it with ours on the next attempt.
                } catch (StorageException e) {
                    notWritten(index, central, e);
                    return;
                }
            } catch (StorageException e) {
                notWritten(index, central, e);
                return;
            }
        }
        LOG.fine(() -> "push index " + index.path + " kept changing under other writers; not updated");
    }

    /** Reports the warnings of index reads; called once the push's records are done. */
    void reportReadWarnings() {
        pendingWarnings.forEach(Runnable::run);
        pendingWarnings.clear();
    }

    private void notWritten(AccountIndex index, StorageAdapter central, StorageException e) {
        warn("push index " + index.path + " in " + central.location() + " could not be written ("
                + Outcome.message(e) + "); the next push reads what this one learnt again", e);
    }

    private void warn(String warning, Throwable cause) {
        String redacted = StoreFailures.redact(warning);
        // One line for the user; the stack trace only at FINE, for whoever debugs the store.
        LOG.warning(redacted);
        LOG.log(Level.FINE, redacted, cause);
        session.tally().warn(redacted);
    }
}
