package com.mantissa.stance.sync.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.MalformedEventException;
import com.mantissa.stance.sync.worker.WorkerStartup;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.Map;

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

    private final WorkerStartup worker;

    /** Used by the Functions Framework: configuration comes from the process environment. */
    public PubSubWorkerFunction() {
        this(System.getenv());
    }

    /** A GCS notification names no project: its objects belong to the function's, as in the storage trigger. */
    public PubSubWorkerFunction(Map<String, String> env) {
        this.worker = new WorkerStartup(env, CloudEventHandler.project(env));
    }

    @Override
    public void accept(CloudEvent event) {
        // Cloud Logging reads the severity from each JSON line on standard output.
        BatchOutcome.LogSink log = (severity, line) -> {
            System.out.println(line);
            System.out.flush();
        };
        EventDecoder.PubSubMessage message;
        try {
            message = EventDecoder.pubSubMessage(event.getId(), CloudEventHandler.jsonData(event));
        } catch (MalformedEventException e) {
            WorkerStartup.line(log, LogEntry.Severity.ERROR, "rejected event " + event.getId() + ": " + e.getMessage());
            return;
        }
        if (message.ignoredBecause() != null) {
            WorkerStartup.line(log, LogEntry.Severity.DEBUG, "ignored message " + message.id() + ": "
                    + message.ignoredBecause());
            return;
        }
        worker.processOrThrow(message.id(), message.body(), LONGEST_INVOCATION, log);
    }
}
