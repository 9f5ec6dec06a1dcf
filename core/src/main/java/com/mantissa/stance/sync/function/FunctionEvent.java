package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.formats.Format;
import java.util.Objects;

/**
 * One platform event as a handler decoded it, in the only terms the core knows: a created
 * object with the account the platform names for it, a schedule tick, an event the function
 * does not act on, or one it could not read.
 *
 * @param id      the platform's handle for the event (SQS message id, Event Grid event id,
 *                record index), so that an outcome can be mapped back to it
 * @param type    what happened
 * @param object  the created object's URI ({@code s3://…}, {@code gs://…}, {@code az://…} or an
 *                Azure blob URL, key decoded) or, for other types, what the event was about
 * @param account the account the platform says the object belongs to; null when it does not say
 * @param reason  for an ignored event, what kind of event it was ("s3 ObjectRemoved:Delete");
 *                for a malformed one, what is wrong with it; null otherwise
 * @param imported for findings an event carries (Security Hub's), the findings; null otherwise
 */
public record FunctionEvent(String id, Type type, String object, String account, String reason, Imported imported) {

    /** What an event asks of the function. */
    public enum Type { OBJECT_CREATED, FINDINGS_IMPORTED, TICK, IGNORED, MALFORMED }

    /**
     * The findings an event carries: the event as JSON (its {@code detail.findings} are read) and
     * their format.
     */
    public record Imported(Format format, String json) {
        public Imported {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(json, "json");
        }
    }

    public FunctionEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if ((type == Type.FINDINGS_IMPORTED) != (imported != null)) {
            throw new IllegalArgumentException("an event carries findings exactly when it is FINDINGS_IMPORTED");
        }
    }

    /** An event about an object or a schedule, carrying no findings. */
    public FunctionEvent(String id, Type type, String object, String account, String reason) {
        this(id, type, object, account, reason, null);
    }

    /**
     * Findings an event carries (Security Hub's "Findings - Imported"): pushed into {@code account}
     * (the event's; null when it names none), never followed by a resolve pass, since an event
     * holds a few findings and not a scan.
     *
     * @param what what the event is, for the log ("securityhub event 7d3f…")
     */
    public static FunctionEvent findingsImported(String id, String what, String account, Imported findings) {
        return new FunctionEvent(id, Type.FINDINGS_IMPORTED, what, blankToNull(account), null, findings);
    }

    /** An object was created; {@code account} may be null (then {@code STANCE_ACCOUNT_ID} must be set). */
    public static FunctionEvent objectCreated(String id, String objectUri, String account) {
        return new FunctionEvent(id, Type.OBJECT_CREATED, objectUri, blankToNull(account), null);
    }

    /** A schedule fired: the catch-up over the configured sources and/or the pull. */
    public static FunctionEvent tick(String id, String trigger) {
        return new FunctionEvent(id, Type.TICK, trigger, null, null);
    }

    /** An event of a kind this function does not act on (an object removed, another event type). */
    public static FunctionEvent ignored(String id, String what, String eventKind) {
        return new FunctionEvent(id, Type.IGNORED, what, null, eventKind);
    }

    /** An event the handler could not decode (not JSON, a field missing): rejected, never redelivered. */
    public static FunctionEvent malformed(String id, String what, String reason) {
        return new FunctionEvent(id, Type.MALFORMED, what, null, Objects.requireNonNull(reason, "reason"));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
