package com.mantissa.stance.sync.gcp;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.worker.ScheduledTick;
import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * Cloud Functions (2nd gen) entry point for {@code google.cloud.pubsub.topic.v1.messagePublished},
 * published by a Cloud Scheduler job: runs the configured catch-up over STANCE_SOURCES and/or the
 * PULL to STANCE_PULL_TARGET. The message body is only a tick; its content is not interpreted.
 */
public final class ScheduledSyncFunction extends CloudEventHandler {
    static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
    private static final String TOPICS = "/topics/";

    /** Used by the Functions Framework: configuration comes from the process environment. */
    public ScheduledSyncFunction() {
        this(System.getenv());
    }


    public ScheduledSyncFunction(Map<String, String> env) {
        super(env);
    }

    /** A tick is the one scheduled tick of every cloud: fan-out or catch-up, then the pull and the lifecycle. */
    @Override
    BatchOutcome run(SyncFunction function, FunctionEvent event) {
        return event.type() == FunctionEvent.Type.TICK ? ScheduledTick.run(function, event.id(), event.object())
                : super.run(function, event);
    }

    @Override
    FunctionEvent decode(CloudEvent event) {
        if (!MESSAGE_PUBLISHED.equals(event.getType())) {
            return FunctionEvent.ignored(event.getId(), describe(event), event.getType());
        }
        return FunctionEvent.tick(event.getId(), triggerLabel(event));
    }

    /** "pubsub:TOPIC" from a source such as //pubsub.googleapis.com/projects/P/topics/TOPIC. */
    static String triggerLabel(CloudEvent event) {
        String source = String.valueOf(event.getSource());
        int at = source.lastIndexOf(TOPICS);
        return "pubsub:" + (at < 0 ? source : source.substring(at + TOPICS.length()));
    }
}
