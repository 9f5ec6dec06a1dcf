package com.mantissa.stance.sync.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.function.Invocation;
import com.mantissa.stance.sync.function.SyncFunction;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What both GCP handlers share: one {@link SyncFunction} per instance, decoding of the event's JSON
 * data with core's parser, and mapping an {@link Invocation} onto the platform's retry contract.
 */
abstract class CloudEventHandler implements CloudEventsFunction {
    /** Cloud Functions' 2nd gen runtime does not set it itself; deployments may (see docs/deploy-gcp.md). */
    static final String PROJECT_VARIABLE = "GOOGLE_CLOUD_PROJECT";

    final SyncFunction sync;
    private final PrintStream log;

    CloudEventHandler(Map<String, String> env) {
        // Parsed once per instance: a misconfigured STANCE_* variable fails the cold start, loudly.
        this.sync = SyncFunction.fromEnvironment(env);
        this.log = System.out;
    }

    /**
     * Logs the invocation as one Cloud Logging JSON line, then throws when the failure is transient,
     * so that a trigger with retries enabled redelivers the event. A permanent failure returns
     * normally: redelivering bad input for a day would change nothing.
     */
    final void complete(Invocation invocation) {
        log.println(invocation.toJson());
        log.flush();
        if (invocation.retryable()) {
            throw invocation.toException();
        }
    }

    /** The event's data as a JSON object; an event without data or with non-JSON data is bad input. */
    static Map<String, Object> jsonData(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null) {
            throw new IllegalArgumentException("CloudEvent " + event.getId() + " (" + event.getType() + ") has no data");
        }
        return JsonParser.parseObject(new String(data.toBytes(), StandardCharsets.UTF_8));
    }

    /** An event this function was not deployed for (a misrouted trigger): logged at debug, never retried. */
    static Invocation ignored(CloudEvent event, String reason) {
        return Invocation.ignored(event.getType(), describe(event) + " (" + reason + ")");
    }

    /** An event whose content cannot be acted on: a permanent failure, logged at error, never retried. */
    static Invocation rejected(CloudEvent event, String reason) {
        return Invocation.rejected(event.getType(), describe(event), reason);
    }

    private static String describe(CloudEvent event) {
        String subject = event.getSubject();
        return event.getSource() + (subject == null ? "" : "/" + subject) + " (event " + event.getId() + ")";
    }

    static String text(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value instanceof String s && !s.isEmpty() ? s : null;
    }
}
