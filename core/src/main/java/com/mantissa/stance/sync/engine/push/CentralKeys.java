package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lists central's record keys ({@code {prefix}/{findings|assets}/{md5[0:4]}/{account}/{name}.json})
 * in sixteen pages, one per first hex digit of the hash folder, so that a caller holds at most
 * about a sixteenth of central's keys at once: a 700,000-record central lists as pages of
 * ~44,000 keys (~5 MB of strings) instead of one list of ~80 MB.
 *
 * <p>The hash folder comes first, so the keys of one account cannot be listed on their own:
 * finding them costs a listing of the whole kind (one request per 1,000 keys on the clouds),
 * filtered by the account segment.
 */
public final class CentralKeys {
    private static final String HEX = "0123456789abcdef";

    private final StorageAdapter central;
    private final String base;
    private final Retry retry;

    public CentralKeys(StorageAdapter central, String centralPrefix, Retry retry) {
        this.central = central;
        this.base = centralPrefix == null || centralPrefix.isEmpty() ? "" : centralPrefix + "/";
        this.retry = retry;
    }

    /** The folder of {@code kind}: {@code {prefix}/findings/}. */
    public String folder(RecordKind kind) {
        return base + kind.folder() + "/";
    }

    /**
     * Hands each page of record keys of {@code kind} to {@code page}, in key order; with an
     * {@code account}, only that account's keys.
     */
    public void forEachPage(RecordKind kind, String account, Consumer<List<String>> page) {
        String folder = folder(kind);
        for (int i = 0; i < HEX.length(); i++) {
            String prefix = folder + HEX.charAt(i);
            List<String> keys = retry.call(() -> central.listRecords(prefix));
            List<String> records = new ArrayList<>(keys.size());
            for (String key : keys) {
                if (isRecord(folder, key) && (account == null || account.equals(accountOf(folder, key)))) {
                    records.add(key);
                }
            }
            if (!records.isEmpty()) {
                page.accept(records);
            }
        }
    }

    /** The account segment of a record key in {@code folder}, or null when the key has another shape. */
    public static String accountOf(String folder, String key) {
        int hashEnd = key.indexOf('/', folder.length());
        if (hashEnd < 0) {
            return null;
        }
        int accountEnd = key.indexOf('/', hashEnd + 1);
        return accountEnd < 0 ? null : key.substring(hashEnd + 1, accountEnd);
    }

    private static boolean isRecord(String folder, String key) {
        return key.endsWith(".json") && accountOf(folder, key) != null;
    }
}
