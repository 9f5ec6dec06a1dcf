package com.mantissa.stance.sync.gcp;

import io.cloudevents.CloudEvent;

import java.util.Map;

/**
 * Cloud Functions (2nd gen) entry point for Eventarc {@code google.cloud.storage.object.v1.finalized}:
 * pushes the snapshot of a finalized {@code findings.jsonl} / {@code assets.jsonl} into central.
 * Which keys are scan files, and everything after, is the core facade's business.
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
    public void accept(CloudEvent event) {
        if (!FINALIZED.equals(event.getType())) {
            complete(ignored(event, "not a " + FINALIZED + " event"));
            return;
        }
        Map<String, Object> object;
        try {
            object = jsonData(event);
        } catch (IllegalArgumentException badData) {
            complete(rejected(event, badData.getMessage()));
            return;
        }
        String bucket = text(object, "bucket");
        String name = text(object, "name");
        if (bucket == null || name == null) {
            complete(rejected(event, "storage event data has no bucket or object name"));
            return;
        }
        complete(sync.onObjectCreated("gs://" + bucket + "/" + name, defaultAccountId));
    }
}
