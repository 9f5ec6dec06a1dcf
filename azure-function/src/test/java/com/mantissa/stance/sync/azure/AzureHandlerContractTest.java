package com.mantissa.stance.sync.azure;

import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.HandlerContract;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.testing.AzuriteServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;

/**
 * The handler contract through the Event Grid function: BlobCreated events in the Event Grid
 * schema for blobs on Azurite, delivered as the array Event Grid posts; the worker scenarios
 * through the queue-triggered function, one message per invocation.
 */
@org.junit.jupiter.api.Tag("slow")
class AzureHandlerContractTest extends HandlerContract {
    private static final String SPOKE = "contract-azure-spoke";

    @Override
    protected String provider() {
        return "azure";
    }

    @Override
    protected SpokeObject upload(String key, byte[] content) {
        var container = azurite.setupClient().getBlobContainerClient(SPOKE);
        container.createIfNotExists();
        container.getBlobClient(key).upload(BinaryData.fromBytes(content), true);
        return new SpokeObject(SPOKE, key);
    }

    @Override
    protected Delivery deliverCreated(Map<String, String> env, List<SpokeObject> objects) {
        List<String> events = objects.stream().map(o -> AzureEvents.blobCreated(null, blobUrl(o))).toList();
        return deliver(env, AzureEvents.array(events));
    }

    @Override
    protected Delivery deliverMalformed(Map<String, String> env) {
        return deliver(env, "{\"eventType\": ");
    }

    /** One queue message per invocation of the queue-triggered worker, as the host delivers them. */
    @Override
    protected Delivery deliverWork(Map<String, String> env, List<String> bodies) {
        StanceSyncFunctions functions = new StanceSyncFunctions(env);
        List<JsonNode> lines = new ArrayList<>();
        boolean redelivered = false;
        for (int i = 0; i < bodies.size(); i++) {
            RecordingExecutionContext context = new RecordingExecutionContext("StanceQueueWorker");
            try {
                functions.onQueue(bodies.get(i), "work-" + i, context);
            } catch (SyncFailedException e) {
                redelivered = true;
            }
            context.records().stream().map(LogRecord::getMessage).map(EventJson::parse).forEach(lines::add);
        }
        return new Delivery(redelivered, lines);
    }

    @Override
    protected String workQueue() {
        return "azq://" + AzuriteServer.ACCOUNT + "/contract-work";
    }

    @Override
    protected String spokeLocation(String container, String prefix) {
        return "az://" + AzuriteServer.ACCOUNT + "/" + container + "/" + prefix;
    }

    /** An Event Grid subscription can deliver to a storage queue: one event per message. */
    @Override
    protected String createdEventBody(SpokeObject object) {
        return AzureEvents.blobCreated(null, blobUrl(object));
    }

    private static String blobUrl(SpokeObject object) {
        return "https://" + AzuriteServer.ACCOUNT + ".blob.core.windows.net/" + object.container() + "/" + object.key();
    }

    private static Delivery deliver(Map<String, String> env, String event) {
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        boolean redelivered = false;
        try {
            new StanceSyncFunctions(env).onEventGrid(event, context);
        } catch (SyncFailedException e) {
            redelivered = true;
        }
        List<JsonNode> lines = context.records().stream().map(LogRecord::getMessage).map(EventJson::parse).toList();
        return new Delivery(redelivered, lines);
    }
}
