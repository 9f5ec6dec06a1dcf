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
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how central keeps the change feed: one object per push and account,
 * {@code {prefix}/_changes/{account}/dt=YYYY-MM-DD/{push}.jsonl}, the day being the push's in
 * UTC, one change per line ({@link FindingChangeJson}) sorted by id. Account first, so that a
 * grant can be scoped to one account's changes; then by day, so that a reader lists only the
 * days it wants and a query engine can prune by the {@code dt} partition.
 *
 * <p>A push whose changes take more than {@link #PART_BYTES} continues them in parts
 * {@code {push}.2.jsonl}, {@code {push}.3.jsonl}, ..., so that no object is built whole in
 * memory. The parts are written before the first object, which stays the one that says the
 * push was recorded: a part whose first object is missing is an attempt that stopped, and is not
 * read.
 */
public final class ChangeFeed {
    /** The folder under the central prefix. */
    public static final String FOLDER = "_changes/";
    /** The most bytes of changes in one feed object; about 30,000 changes. */
    static final int PART_BYTES = 8 << 20;
    private static final Pattern PART = Pattern.compile("([0-9a-f]{32})\\.([1-9][0-9]*)\\.jsonl");

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
        return key(centralPrefix, account, at, push, 1);
    }

    private static String key(String centralPrefix, String account, OffsetDateTime at, String push, int part) {
        return dayFolder(centralPrefix, account, at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate()) + push
                + (part == 1 ? "" : "." + part) + ".jsonl";
    }

    /**
     * The first object's key of the push whose part {@code key} is, when it is a later part
     * ({@code {push}.N.jsonl}, N above 1); otherwise empty.
     */
    static Optional<String> firstOfPart(String key) {
        int slash = key.lastIndexOf('/');
        Matcher m = PART.matcher(key.substring(slash + 1));
        return m.matches() && !m.group(2).equals("1")
                ? Optional.of(key.substring(0, slash + 1) + m.group(1) + ".jsonl") : Optional.empty();
    }

    /** One line per change, each ending in a newline. */
    public static byte[] bytes(Iterable<FindingChange> changes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FindingChange change : changes) {
            out.writeBytes(line(change));
        }
        return out.toByteArray();
    }

    private static byte[] line(FindingChange change) {
        return (CanonicalJson.writeUnsorted(FindingChangeJson.toMap(change)) + "\n").getBytes(StandardCharsets.UTF_8);
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
     * Writes a push's changes, if it has any, with one conditional request per object: created
     * only if absent. A first object already there is the same push recorded before (a
     * redelivered event, a retried invocation): it is left as it is and the push comes back as
     * not recorded, unless it holds exactly these bytes (a retried attempt of this very write had
     * landed). Later parts are written the same way, before the first object. One already there
     * with other bytes is an earlier delivery's: recorded before when the first object is there;
     * otherwise an attempt that stopped, and the record stops with an error, its first object
     * unwritten, so that no reader sees the two mixed.
     *
     * @return the push with its first object's key and whether this call recorded it
     */
    public static PushChanges record(StorageAdapter central, Retry retry, String centralPrefix, PushChanges push,
                                     OffsetDateTime at) {
        return record(central, retry, centralPrefix, push, at, PART_BYTES);
    }

    static PushChanges record(StorageAdapter central, Retry retry, String centralPrefix, PushChanges push,
                              OffsetDateTime at, int partBytes) {
        if (push.changes().isEmpty()) {
            return push;
        }
        String key = key(centralPrefix, push.account(), at, push.push(), 1);
        Parts parts = new Parts(central, retry, key, part -> key(centralPrefix, push.account(), at, push.push(), part));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FindingChange change : push.changes()) {
            byte[] line = line(change);
            if (out.size() > 0 && out.size() + line.length > partBytes) {
                if (!parts.end(out.toByteArray())) {
                    return notRecorded(push, key);
                }
                out = new ByteArrayOutputStream();
            }
            out.writeBytes(line);
        }
        if (!parts.end(out.toByteArray())) {
            return notRecorded(push, key);
        }
        byte[] bytes = parts.first;
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
        return recorded ? new PushChanges(push.account(), push.provider(), push.snapshot(), push.push(), key, true,
                push.changes()) : notRecorded(push, key);
    }

    private static PushChanges notRecorded(PushChanges push, String key) {
        return new PushChanges(push.account(), push.provider(), push.snapshot(), push.push(), key, false,
                push.changes());
    }

    /** The parts of one push's feed as they are filled: the first kept for last, the later ones written. */
    private static final class Parts {
        private final StorageAdapter central;
        private final Retry retry;
        private final String firstKey;
        private final IntFunction<String> keyOf;
        private byte[] first;
        private int next = 1;

        Parts(StorageAdapter central, Retry retry, String firstKey, IntFunction<String> keyOf) {
            this.central = central;
            this.retry = retry;
            this.firstKey = firstKey;
            this.keyOf = keyOf;
        }

        /**
         * Ends the part being filled with {@code bytes}: kept when it is the first, else created
         * only if absent.
         *
         * @return false when the push was recorded before: the part holds other bytes and the
         *         first object is there
         * @throws PreconditionFailedException when the part holds other bytes and the first
         *                                     object is not there: an earlier attempt that
         *                                     stopped before it
         */
        boolean end(byte[] bytes) {
            int part = next++;
            if (part == 1) {
                first = bytes;
                return true;
            }
            String key = keyOf.apply(part);
            try {
                retry.call(() -> central.writeRecord(key, bytes, WriteCondition.IF_ABSENT));
                return true;
            } catch (PreconditionFailedException alreadyThere) {
                // Our own write, if an attempt whose answer was lost landed.
                if (retry.call(() -> central.readRecord(key)).map(o -> Arrays.equals(o.content(), bytes))
                        .orElse(false)) {
                    return true;
                }
                if (retry.call(() -> central.getMetadata(firstKey)).isPresent()) {
                    return false;
                }
                // Not ours to replace, and ours cannot stand beside it: the push stays unrecorded.
                throw new PreconditionFailedException(key + " holds another attempt's changes of this push; the "
                        + "push's first object is not written, so none of its parts is read", alreadyThere);
            }
        }
    }
}
