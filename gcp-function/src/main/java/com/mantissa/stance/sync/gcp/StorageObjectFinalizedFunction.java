package com.mantissa.stance.sync.gcp;

import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Cloud Functions (2nd gen) entry point for Eventarc {@code google.cloud.storage.object.v1.finalized}:
 * pushes the snapshot of a finalized {@code findings.jsonl} / {@code assets.jsonl} into central.
 * Eventarc delivers one object per invocation.
 */
public final class StorageObjectFinalizedFunction extends CloudEventHandler {
    static final String FINALIZED = EventDecoder.GCS_FINALIZED;

    private final String defaultAccountId;

    /** Used by the Functions Framework: configuration comes from the process environment. */
    public StorageObjectFinalizedFunction() {
        this(System.getenv());
    }

    public StorageObjectFinalizedFunction(Map<String, String> env) {
        super(env);
        // A storage event names the bucket but not its project; the spoke's project id is the
        // account when STANCE_ACCOUNT_ID is unset (Eventarc storage triggers are same-project).
        this.defaultAccountId = project(env);
    }

    @Override
    FunctionEvent decode(CloudEvent event) {
        CloudEventData data = event.getData();
        return EventDecoder.cloudEvent(event.getId(), event.getType(), String.valueOf(event.getSource()),
                data == null ? null : new String(data.toBytes(), StandardCharsets.UTF_8), defaultAccountId);
    }
}
