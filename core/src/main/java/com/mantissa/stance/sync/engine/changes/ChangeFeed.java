package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how central keeps the change feed: one object per push and account,
 * {@code {prefix}/_changes/{account}/dt=YYYY-MM-DD/{push}.jsonl}, the day being the push's in
 * UTC, one change per line ({@link FindingChangeJson}) sorted by id. Account first, so that a
 * grant can be scoped to one account's changes; then by day, so that a reader lists only the
 * days it wants and a query engine can prune by the {@code dt} partition.
 */
public final class ChangeFeed {
    /** The folder under the central prefix. */
    public static final String FOLDER = "_changes/";

    private ChangeFeed() {
    }

    /** {@code {prefix}/_changes/}. */
    public static String base(String centralPrefix) {
        return (centralPrefix == null || centralPrefix.isEmpty() ? "" : centralPrefix + "/") + FOLDER;
    }

    /** {@code {prefix}/_changes/{account}/dt=YYYY-MM-DD/}: one account's changes of one day. */
    public static String dayFolder(String centralPrefix, String account, LocalDate day) {
        return base(centralPrefix) + account + "/dt=" + day + "/";
    }

    public static String key(String centralPrefix, String account, OffsetDateTime at, String push) {
        return dayFolder(centralPrefix, account, at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate())
                + push + ".jsonl";
    }

    /** One line per change, each ending in a newline. */
    public static byte[] bytes(Iterable<FindingChange> changes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FindingChange change : changes) {
            out.writeBytes(CanonicalJson.writeUnsorted(FindingChangeJson.toMap(change)).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    /**
     * Records every account's changes of {@code changes} (not in a dry run, where they come back
     * unrecorded); a feed object that cannot be written adds an error to {@code errors}.
     *
     * @return each account's changes, as recorded
     */
    public static List<PushChanges> recordAll(StorageAdapter central, Retry retry, String centralPrefix,
                                              ChangeLog changes, boolean dryRun, List<String> errors) {
        List<PushChanges> recorded = new ArrayList<>();
        for (PushChanges push : changes.pushes()) {
            if (dryRun) {
                recorded.add(push);
                continue;
            }
            try {
                recorded.add(record(central, retry, centralPrefix, push, changes.at()));
            } catch (StorageException e) {
                recorded.add(push);
                errors.add(StoreCalls.redact("change feed of account '" + push.account() + "': "
                        + push.changes().size() + " changes not recorded: " + e.getMessage()));
            }
        }
        return List.copyOf(recorded);
    }

    /**
     * Writes a push's changes, if it has any, with one conditional request: created only if
     * absent. An object already there is the same push recorded before (a redelivered event, a
     * retried invocation): it is left as it is and the push comes back as not recorded.
     *
     * @return the push with its key and whether this call recorded it
     */
    public static PushChanges record(StorageAdapter central, Retry retry, String centralPrefix, PushChanges push,
                                     OffsetDateTime at) {
        if (push.changes().isEmpty()) {
            return push;
        }
        String key = key(centralPrefix, push.account(), at, push.push());
        byte[] bytes = bytes(push.changes());
        boolean recorded;
        try {
            retry.call(() -> central.writeRecord(key, bytes, WriteCondition.IF_ABSENT));
            recorded = true;
        } catch (PreconditionFailedException sameObjectThere) {
            recorded = false;
        }
        return new PushChanges(push.account(), push.provider(), push.snapshot(), push.push(), key, recorded,
                push.changes());
    }
}
