package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncResult;
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
import java.util.Arrays;
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

    /** Each account's changes as recorded, and the push's result with the feed's errors added. */
    public record Recorded(List<PushChanges> pushes, SyncResult result) {
    }

    /**
     * Records every account's changes of {@code changes} (not in a dry run, where they come back
     * unrecorded); a feed object that cannot be written is an error of the result.
     *
     * @param changes null when someone else records them: none come back
     */
    public static Recorded recordAll(StorageAdapter central, Retry retry, String centralPrefix,
                                     ChangeLog changes, boolean dryRun, SyncResult result) {
        if (changes == null) {
            return new Recorded(List.of(), result);
        }
        List<String> errors = new ArrayList<>();
        List<PushChanges> recorded = new ArrayList<>();
        for (PushChanges push : changes.pushes()) {
            if (dryRun) {
                recorded.add(push);
                continue;
            }
            if (!push.changes().isEmpty() && !RecordPaths.isSafeAccount(push.account())) {
                // Never reached through a push, whose records' paths hold the account already.
                recorded.add(push);
                errors.add("change feed of account '" + push.account() + "': not an account a key may name; "
                        + push.changes().size() + " changes not recorded");
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
        return new Recorded(List.copyOf(recorded), errors.isEmpty() ? result
                : result.plus(new SyncResult(0, 0, 0, errors, 0, result.syncDirection()), result.syncDirection()));
    }

    /**
     * Writes a push's changes, if it has any, with one conditional request: created only if
     * absent. An object already there is the same push recorded before (a redelivered event, a
     * retried invocation): it is left as it is and the push comes back as not recorded, unless
     * it holds exactly these bytes (a retried attempt of this very write had landed).
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
            // Our own write, if an attempt whose answer was lost landed: its bytes carry this
            // push's time to the microsecond, which an earlier delivery's do not.
            recorded = retry.call(() -> central.readRecord(key))
                    .map(object -> Arrays.equals(object.content(), bytes)).orElse(false);
        }
        return new PushChanges(push.account(), push.provider(), push.snapshot(), push.push(), key, recorded,
                push.changes());
    }
}
