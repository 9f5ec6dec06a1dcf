package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import java.util.regex.Pattern;

/**
 * Turns a store-level failure into the one error that stops a sync, and keeps credentials
 * out of it. Adapters already leave secrets out of their messages; this is the second line,
 * for whatever an SDK or a server put in a message: user info and query strings of URLs
 * (signed URLs, SAS tokens) and {@code key=value} secrets of connection strings.
 */
public final class StoreFailures {
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@]*@");
    private static final Pattern URL_QUERY = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s?#]*)[?#][^\\s)]*");
    private static final Pattern SECRET_SETTING = Pattern.compile(
            "(?i)\\b(AccountKey|SharedAccessSignature|SharedAccessKey|sig|signature|X-Amz-[a-z-]+|"
                    + "aws_secret_access_key|aws_session_token|password|secret|token)\\s*[=:]\\s*[^;&\\s)]*");

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

    public static String redact(String text) {
        String s = USER_INFO.matcher(text).replaceAll("$1");
        s = URL_QUERY.matcher(s).replaceAll("$1");
        return SECRET_SETTING.matcher(s).replaceAll("[redacted]");
    }
}
