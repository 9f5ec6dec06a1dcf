package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one function invocation did: the handlers log {@link #toJson()} and, when
 * {@link #failed()}, throw {@link #toException()} so the platform retries or dead-letters.
 */
public record Invocation(String trigger, String object, Outcome outcome, SyncResult result) {

    public enum Outcome { IGNORED, SUCCEEDED, FAILED }

    /** An event the function does not act on (another key, another event type): logged at debug. */
    public static Invocation ignored(String trigger, String object) {
        return new Invocation(trigger, object, Outcome.IGNORED, new SyncResult(0, 0, 0, List.of(), 0,
                SyncDirection.PUSH));
    }

    /** An event that cannot be acted on (bad input, missing setting): a permanent, non-retryable failure. */
    public static Invocation rejected(String trigger, String object, String reason) {
        return new Invocation(trigger, object, Outcome.FAILED, new SyncResult(0, 0, 0, List.of(reason), 0,
                SyncDirection.PUSH, 0));
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    /** Failed, and at least one error was transient (throttling, 5xx, timeouts): a retry may succeed. */
    public boolean retryable() {
        return failed() && result.retryableErrors() > 0;
    }

    /** One structured log line, in the JSON shape Cloud Logging reads (also fine for CloudWatch and App Insights). */
    public String toJson() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", switch (outcome) {
            case IGNORED -> "DEBUG";
            case SUCCEEDED -> "INFO";
            case FAILED -> "ERROR";
        });
        line.put("message", message());
        line.put("trigger", trigger);
        line.put("object", object);
        line.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        line.put("retryable", retryable());
        line.put("result", result.toMap());
        return CanonicalJson.write(line);
    }

    private String message() {
        String what = "stance-sync " + trigger + (object == null ? "" : " " + object);
        return switch (outcome) {
            case IGNORED -> what + ": ignored";
            case SUCCEEDED -> what + ": " + result.recordsSynced() + " synced, " + result.recordsSkipped()
                    + " skipped, " + result.conflictsResolved() + " conflicts resolved";
            case FAILED -> what + ": finished with " + result.errors().size() + " error(s); first: "
                    + (result.errors().isEmpty() ? "-" : result.errors().get(0));
        };
    }

    public SyncFailedException toException() {
        return new SyncFailedException(message(), retryable());
    }
}
