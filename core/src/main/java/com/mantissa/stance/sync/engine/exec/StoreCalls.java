package com.mantissa.stance.sync.engine.exec;

import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The one way an engine operation calls a store: every request counted by kind, a call that
 * failed transiently tried again with backoff ({@link Retry}) until the operation's deadline, a
 * store that cannot be used at all turned into the one error that stops the operation, and
 * credentials kept out of every message. The facade hands one to each operation it runs.
 */
public final class StoreCalls {
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@]*@");
    private static final Pattern URL_QUERY = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s?#]*)[?#][^\\s)]*");
    private static final Pattern SECRET_SETTING = Pattern.compile(
            "(?i)\\b(AccountKey|SharedAccessSignature|SharedAccessKey|sig|signature|X-Amz-[a-z-]+|"
                    + "aws_secret_access_key|aws_session_token|password|secret|token)\\s*[=:]\\s*[^;&\\s)]*");

    private final CountingStore store;
    private final Retry retry;
    private final String operation;

    /**
     * @param operation what the calls are for, as the stopping error names it: "status of s3://central"
     */
    public StoreCalls(StorageAdapter store, String operation) {
        this(store, operation, Retry.defaults());
    }

    public StoreCalls(StorageAdapter store, String operation, Retry retry) {
        this.store = store instanceof CountingStore counting ? counting : new CountingStore(store);
        this.operation = operation;
        this.retry = retry;
    }

    /** Calls stop making attempts {@code budget} from now; null for no deadline. */
    public StoreCalls deadline(Duration budget) {
        retry.deadlineIn(budget);
        return this;
    }

    /** The store, counting every request made through it. */
    public CountingStore store() {
        return store;
    }

    /** The requests made so far, by kind. */
    public RequestCounts counts() {
        return store.counts();
    }

    public Retry retry() {
        return retry;
    }

    /** Calls the store, trying a transient failure again; a permanent failure stops the operation. */
    public <T> T call(Supplier<T> call) {
        return call(call, null);
    }

    /**
     * As {@link #call(Supplier)}, the stopping error naming {@code what} the operation was at.
     *
     * @throws SyncAbortedException when the store cannot be used at all (missing, denied)
     */
    public <T> T call(Supplier<T> call, String what) {
        try {
            return retry.call(call);
        } catch (PermanentStorageException e) {
            throw new SyncAbortedException(redact(operation + " stopped" + (what == null ? "" : " at " + what) + ": "
                    + e.getMessage()), e);
        }
    }

    /**
     * The text without credentials: user info and query strings of URLs (signed URLs, SAS
     * tokens) and {@code key=value} secrets of connection strings, each replaced by nothing or
     * by {@code [redacted]}. Adapters already leave secrets out of their messages; this is the
     * second line, for whatever an SDK or a server put in one.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = USER_INFO.matcher(text).replaceAll("$1");
        s = URL_QUERY.matcher(s).replaceAll("$1");
        return SECRET_SETTING.matcher(s).replaceAll("[redacted]");
    }
}
