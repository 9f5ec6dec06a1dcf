package com.mantissa.stance.sync.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.functions.CloudEventsFunction;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.MalformedEventException;
import com.mantissa.stance.sync.function.SyncFunction;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What both GCP handlers share: one {@link SyncFunction} per instance, and the mapping of its
 * outcome onto the Functions Framework: log lines on stdout (Cloud Logging reads their
 * {@code severity}), and an exception, which the framework answers with 500 so that a
 * retry-enabled trigger redelivers, only when the core asks for redelivery.
 */
abstract class CloudEventHandler implements CloudEventsFunction {
    /** Cloud Functions' 2nd gen runtime does not set it itself; deployments may (see docs/deploy-gcp.md). */
    static final String PROJECT_VARIABLE = "GOOGLE_CLOUD_PROJECT";

    private final SyncFunction sync;
    private final PrintStream log = System.out;

    CloudEventHandler(Map<String, String> env) {
        this.sync = SyncFunction.fromEnvironment(env);
    }

    /** The core event for {@code event}; called once per invocation. */
    abstract FunctionEvent decode(CloudEvent event);

    @Override
    public void accept(CloudEvent event) {
        BatchOutcome outcome = run(sync, decode(event));
        outcome.log((severity, line) -> log.println(line));
        log.flush();
        outcome.throwIfRedelivery();
    }

    /** What the core does with the decoded event: the function's handling, unless a handler does more. */
    BatchOutcome run(SyncFunction function, FunctionEvent event) {
        return function.handle(List.of(event));
    }

    /** The project the function runs in, when the deployment names it; null otherwise. */
    static String project(Map<String, String> env) {
        String project = env.get(PROJECT_VARIABLE);
        return project == null || project.isBlank() ? null : project.trim();
    }

    /** The event's data as a JSON object. */
    static JsonNode jsonData(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null) {
            throw new MalformedEventException("CloudEvent has no data");
        }
        return EventJson.parseObject(new String(data.toBytes(), StandardCharsets.UTF_8));
    }

    /** What the log line names an event by: its source, subject and id. */
    static String describe(CloudEvent event) {
        String subject = event.getSubject();
        return event.getSource() + (subject == null ? "" : "/" + subject) + " (event " + event.getId() + ")";
    }
}
