package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.RequestCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes of the log lines {@link SyncFunction} writes: a finished push, a rejected or an
 * ignored event, with the results and request counts they report.
 */
final class LogLines {
    static final String OBJECT_CREATED = "object-created";
    static final String FINDINGS_IMPORTED = "findings-imported";

    private LogLines() {
    }

    /** Why an event's account cannot be pushed into (the reason of its rejected line); null when it can. */
    static String accountRefusal(String account) {
        if (account == null) {
            return "no source account: the event names none; set " + FunctionSettings.ACCOUNT_ID;
        }
        try {
            RecordPaths.validateAccount(account);
            return null;
        } catch (IllegalArgumentException e) {
            return "account '" + account + "': " + e.getMessage();
        }
    }

    /** The requests of {@code syncs} together, as one line reports them. */
    static RequestCounts requests(List<CrossCloudSync> syncs) {
        RequestCounts sum = RequestCounts.NONE;
        for (CrossCloudSync sync : syncs) {
            sum = sum.plus(sync.requests());
        }
        return sum;
    }

    /**
     * The failure policy, in one place: a transient store failure that is left after the engine's
     * own retries asks for redelivery; everything else (bad lines, store-level permanent failures)
     * is logged and acknowledged.
     */
    static LogEntry finished(String trigger, List<String> objects, String account, SyncResult result,
                             RequestCounts requests) {
        boolean redeliver = result.retryableErrors() > 0;
        return new LogEntry(trigger, objects, account,
                result.success() ? LogEntry.Outcome.SUCCEEDED : LogEntry.Outcome.FAILED, redeliver, result, requests);
    }

    /** The one shape of a rejected event: logged at error with its reason, acknowledged. */
    static LogEntry rejected(String trigger, List<String> objects, String reason) {
        return new LogEntry(trigger, objects, null, LogEntry.Outcome.FAILED, false, errorResult(reason, false));
    }

    static LogEntry ignored(FunctionEvent event) {
        String trigger = event.type() == FunctionEvent.Type.IGNORED && event.reason() != null ? event.reason()
                : OBJECT_CREATED;
        return new LogEntry(trigger, listOf(event.object()), null, LogEntry.Outcome.IGNORED, false,
                empty(SyncDirection.PUSH));
    }

    static String describe(FunctionEvent.Type type) {
        return type == FunctionEvent.Type.TICK ? "schedule" : OBJECT_CREATED;
    }

    static List<String> objects(List<FunctionEvent> events) {
        List<String> objects = new ArrayList<>();
        events.forEach(e -> objects.addAll(listOf(e.object())));
        return objects;
    }

    static List<String> listOf(String object) {
        return object == null ? List.of() : List.of(object);
    }

    static SyncResult errorResult(String error, boolean retryable) {
        return new SyncResult(0, 0, 0, List.of(error), 0, SyncDirection.PUSH, retryable ? 1 : 0);
    }

    static SyncResult empty(SyncDirection direction) {
        return new SyncResult(0, 0, 0, List.of(), 0, direction);
    }
}
