package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.CanonicalJson;
import com.mantissa.stance.sync.model.SyncResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one function invocation did: the handlers log {@link #toJson()} and, when
 * {@link #failed()}, throw {@link #toException()} so the platform retries or dead-letters.
 */
public record Invocation(String trigger, String object, Outcome outcome, SyncResult result) {

    public enum Outcome { IGNORED, SUCCEEDED, FAILED }

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
        String target = object == null ? trigger : object;
        return switch (outcome) {
            case IGNORED -> "stance-sync ignored " + target + ": not a scan file";
            case SUCCEEDED -> "stance-sync " + trigger + " " + target + ": " + result.recordsSynced() + " synced, "
                    + result.recordsSkipped() + " skipped, " + result.conflictsResolved() + " conflicts resolved";
            case FAILED -> "stance-sync " + trigger + " " + target + " finished with " + result.errors().size()
                    + " error(s); first: " + (result.errors().isEmpty() ? "-" : result.errors().get(0));
        };
    }

    public SyncFailedException toException() {
        return new SyncFailedException(message(), retryable());
    }
}
