package com.mantissa.stance.sync.engine.account;

import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.engine.index.CorruptIndexException;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.engine.push.AccountIndexStore;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import java.util.Optional;

/**
 * Tells the account's push index that the resolve pass rewrote some findings: their entries
 * still vouch for the open record the last push wrote, so an unchanged line of a finding that
 * comes back would be skipped and the finding stay resolved. The entries are kept but no longer
 * trusted, so the next push reads those records first and reopens them. Costs one read and one
 * conditional write of the index, only after a pass that resolved something.
 */
final class ResolvedIndexEntries {
    static final int ATTEMPTS = 4;

    private ResolvedIndexEntries() {
    }

    /** @return null when done (or there is no index), else the warning to report */
    static String distrust(StorageAdapter central, String centralPrefix, String account, List<String> keys) {
        if (keys.isEmpty()) {
            return null;
        }
        String path = AccountIndexStore.indexPath(centralPrefix, account);
        StoreCalls calls = new StoreCalls(central, "push index of account '" + account + "'");
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Optional<StoredObject> stored = calls.call(() -> central.readRecord(path));
                if (stored.isEmpty()) {
                    return null;
                }
                PushIndex index;
                try {
                    index = PushIndex.parse(stored.get().content(), account);
                } catch (CorruptIndexException corrupt) {
                    return null; // the next push rebuilds it, reading every record first
                }
                for (String key : keys) {
                    index.distrust(PushIndex.key(key));
                }
                byte[] bytes = index.serialize();
                String token = stored.get().versionToken();
                try {
                    calls.call(() -> central.writeRecord(path, bytes, WriteCondition.ifMatch(token)));
                    return null;
                } catch (PreconditionFailedException | NotFoundException replaced) {
                    // Another push stored the index meanwhile: take its version and try again.
                }
            }
        } catch (StorageException | SyncAbortedException e) {
            return warning(path, e.getMessage());
        }
        return warning(path, "it kept changing under other writers");
    }

    private static String warning(String path, String why) {
        return "push index " + path + " not told of the findings just resolved (" + why + "); a push of them "
                + "within the index's age may not reopen them";
    }
}
