package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.index.CentralChanges;
import com.mantissa.stance.sync.engine.index.CorruptIndexException;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.Optional;

/**
 * Tells one account's stored push index what an operation other than a push changed in central
 * ({@link CentralChanges}), so that the next push of the true snapshot writes what is missing or
 * wrong instead of skipping it as unchanged. The index is replaced only in the version read
 * (another writer's meanwhile is read again and corrected in turn). When it cannot be corrected,
 * it is deleted: a missing index costs the next push reads, a wrong one costs central records.
 */
public final class AccountIndexCorrection {
    private AccountIndexCorrection() {
    }

    /**
     * Applies {@code changes} to the index of {@code account} under {@code centralPrefix}.
     *
     * @return empty when the index now agrees with central (or there is none); else the error
     *         saying that it may still vouch for records that changed
     */
    public static Optional<String> apply(StoreCalls calls, String centralPrefix, String account,
                                         CentralChanges changes) {
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        StorageAdapter central = calls.store();
        String path = AccountIndexStore.indexPath(centralPrefix, account);
        String failure;
        try {
            for (int attempt = 1; attempt <= AccountIndexStore.INDEX_WRITE_ATTEMPTS; attempt++) {
                Optional<StoredObject> stored = calls.call(() -> central.readRecord(path), path);
                if (stored.isEmpty()) {
                    return Optional.empty();
                }
                PushIndex corrected;
                try {
                    corrected = changes.appliedTo(PushIndex.parse(stored.get().content(), account));
                } catch (CorruptIndexException corrupt) {
                    return Optional.empty(); // read as empty by every push, and rebuilt by the next
                }
                if (corrected == null) {
                    return Optional.empty();
                }
                byte[] bytes = corrected.serialize();
                String token = stored.get().versionToken();
                try {
                    calls.call(() -> central.writeRecord(path, bytes, WriteCondition.ifMatch(token)), path);
                    return Optional.empty();
                } catch (PreconditionFailedException | NotFoundException replaced) {
                    // A push stored the index meanwhile: correct that one.
                }
            }
            failure = "it kept changing under other writers";
        } catch (StorageException e) {
            failure = Outcome.message(e);
        }
        try {
            calls.call(() -> {
                central.deleteRecord(path);
                return null;
            }, path);
            return Optional.empty();
        } catch (StorageException e) {
            return Optional.of(StoreFailures.redact("push index " + path + " could not be corrected (" + failure
                    + ") nor deleted (" + Outcome.message(e) + "); it may vouch for records that changed: "
                    + "push with --index-max-age 0 to check every record"));
        }
    }
}
