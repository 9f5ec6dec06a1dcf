package com.mantissa.stance.sync.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.MalformedEventException;
import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * Cloud Functions (2nd gen) entry point for Eventarc {@code google.cloud.storage.object.v1.finalized}:
 * pushes the snapshot of a finalized {@code findings.jsonl} / {@code assets.jsonl} into central.
 * Eventarc delivers one object per invocation.
 */
public final class StorageObjectFinalizedFunction extends CloudEventHandler {
    static final String FINALIZED = "google.cloud.storage.object.v1.finalized";

    private final String defaultAccountId;

    /** Used by the Functions Framework: configuration comes from the process environment. */
    public StorageObjectFinalizedFunction() {
        this(System.getenv());
    }

    public StorageObjectFinalizedFunction(Map<String, String> env) {
        super(env);
        // A storage event names the bucket but not its project; the spoke's project id is the
        // account when STANCE_ACCOUNT_ID is unset (Eventarc storage triggers are same-project).
        String project = env.get(PROJECT_VARIABLE);
        this.defaultAccountId = project == null || project.isBlank() ? null : project.trim();
    }

    @Override
    FunctionEvent decode(CloudEvent event) {
        if (!FINALIZED.equals(event.getType())) {
            return FunctionEvent.ignored(event.getId(), describe(event), event.getType());
        }
        try {
            JsonNode object = jsonData(event);
            String uri = "gs://" + EventJson.text(object, "bucket") + "/" + EventJson.text(object, "name");
            return FunctionEvent.objectCreated(event.getId(), uri, defaultAccountId);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(event.getId(), describe(event), "storage event data: " + e.getMessage());
        }
    }
}
