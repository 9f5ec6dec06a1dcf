package com.mantissa.stance.sync.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.functions.CloudEventsFunction;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.worker.QueueWorker;
import io.cloudevents.CloudEvent;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Cloud Functions (2nd gen) entry point for the fan-out's work topic
 * ({@code google.cloud.pubsub.topic.v1.messagePublished}): one Pub/Sub message per invocation,
 * a source message (a resumable push within the time budget, continued through
 * {@code STANCE_WORK_QUEUE}) or a GCS notification. A transient failure fails the invocation,
 * so Pub/Sub delivers the message again and, after the subscription's maximum delivery
 * attempts, to its dead-letter topic. The budget is {@code STANCE_TIME_BUDGET}, else the
 * longest event-driven invocation less a margin; a deployment with a shorter timeout sets the
 * variable (the Terraform module does).
 */
public final class PubSubWorkerFunction implements CloudEventsFunction {
    /** The longest a 2nd gen event-driven function may run. */
    static final Duration LONGEST_INVOCATION = Duration.ofSeconds(540);

    private final Map<String, String> env;
    private final PrintWriter log = new PrintWriter(System.out, true);
    private QueueWorker worker;

    /** Used by the Functions Framework: configuration comes from the process environment. */
    public PubSubWorkerFunction() {
        this(System.getenv());
    }

    public PubSubWorkerFunction(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public void accept(CloudEvent event) {
        if (worker == null) {
            try {
                worker = QueueWorker.fromEnvironment(env, log);
            } catch (IllegalArgumentException e) {
                // No redelivery fixes a setting: one line, acknowledged.
                log.println(EventJson.tree(Map.of("severity", "ERROR",
                        "message", "stance-sync worker: configuration: " + e.getMessage())));
                return;
            }
        }
        String id = event.getId();
        String body;
        try {
            JsonNode message = CloudEventHandler.jsonData(event).path("message");
            id = EventJson.optionalText(message, "messageId") == null ? id : EventJson.optionalText(message, "messageId");
            body = new String(Base64.getDecoder().decode(EventJson.text(message, "data")), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            log.println(EventJson.tree(Map.of("severity", "ERROR",
                    "message", "stance-sync worker: rejected event " + id + ": " + e.getMessage())));
            return;
        }
        Set<String> redeliver = worker.process(Map.of(id, body), QueueWorker.budget(env, LONGEST_INVOCATION));
        if (!redeliver.isEmpty()) {
            throw new SyncFailedException("stance-sync worker: message " + id + " left for redelivery");
        }
    }
}
