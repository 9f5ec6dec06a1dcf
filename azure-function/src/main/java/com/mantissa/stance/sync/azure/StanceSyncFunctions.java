package com.mantissa.stance.sync.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.MalformedEventException;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.worker.QueueWorker;
import com.mantissa.stance.sync.worker.ScheduledTick;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * The Azure Functions entry points. Each decodes its trigger into core events, calls the core
 * {@link SyncFunction} once, writes its log lines and throws only when the core asks for
 * redelivery (Event Grid's retry schedule, the blob trigger's dequeue count, the timer's retry
 * annotation then apply).
 */
public final class StanceSyncFunctions {

    /** Event type the Event Grid subscription delivers; anything else is logged and ignored. */
    static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";

    /* The worker instantiates the class per invocation: the facade (adapters, SDK clients) is built once per process. */
    private static final class Production {
        static final SyncFunction FUNCTION = SyncFunction.fromEnvironment(System.getenv());
        static final Workers WORKERS = new Workers(System.getenv());
    }

    /**
     * The queue worker, built on first use: a deployment without the work queue never needs it,
     * and a misconfigured one is reported by each message it receives.
     */
    private static final class Workers {
        private final Map<String, String> env;
        private QueueWorker worker;

        Workers(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        synchronized QueueWorker get() {
            if (worker == null) {
                // The Java worker forwards standard output to the function's log, one line each.
                worker = QueueWorker.fromEnvironment(env, new PrintWriter(System.out, true));
            }
            return worker;
        }
    }

    /** The longest a Consumption plan invocation may run (host.json's functionTimeout). */
    static final Duration LONGEST_INVOCATION = Duration.ofMinutes(10);

    private final Supplier<SyncFunction> sync;
    private final Map<String, String> env;
    private final Workers workers;

    /** Used by the Functions Java worker, which creates an instance per invocation. */
    public StanceSyncFunctions() {
        this.sync = () -> Production.FUNCTION;
        this.env = System.getenv();
        this.workers = Production.WORKERS;
    }

    /** Builds the facade from the given environment (tests point it at emulators). */
    public StanceSyncFunctions(Map<String, String> env) {
        SyncFunction function = SyncFunction.fromEnvironment(env);
        this.sync = () -> function;
        this.env = Map.copyOf(env);
        this.workers = new Workers(env);
    }

    /**
     * Low-latency path: an Event Grid subscription on the source storage account delivers
     * {@code Microsoft.Storage.BlobCreated} (Event Grid or CloudEvents 1.0 schema), one event or
     * an array of them; an array is pushed by one sync per account. The account is the
     * subscription in the event's topic (or source).
     */
    @FunctionName("StanceEventGridSync")
    public void onEventGrid(
            @EventGridTrigger(name = "event") String event,
            ExecutionContext context) {
        complete(sync.get().handle(blobCreatedEvents(event)), context);
    }

    /**
     * Alternative for deployments without Event Grid: the blob trigger on the source container. The
     * host hands the blob content over as well; it is not used because the core streams the file
     * itself, bounded by the batch size. Retries follow host.json (poisonBlobThreshold), then the
     * poison queue.
     */
    @FunctionName("StanceBlobSync")
    public void onBlob(
            @BlobTrigger(name = "content", dataType = "binary",
                    path = "%STANCE_SOURCE_CONTAINER%/{name}.jsonl",
                    connection = "STANCE_SOURCE_STORAGE") byte[] content,
            @BindingName("Uri") String uri,
            ExecutionContext context) {
        FunctionEvent event = uri == null || uri.isBlank()
                ? FunctionEvent.malformed(context.getInvocationId(), "blob", "blob trigger metadata 'Uri' is missing")
                : FunctionEvent.objectCreated(context.getInvocationId(), unquote(uri), null);
        complete(sync.get().handle(List.of(event)), context);
    }

    /**
     * Scheduled catch-up over STANCE_SOURCES and/or the PULL target. The NCRONTAB expression comes
     * from the STANCE_SCHEDULE app setting (terraform and local.settings.json default it).
     */
    @FunctionName("StanceScheduledSync")
    @ExponentialBackoffRetry(maxRetryCount = 3, minimumInterval = "00:00:30", maximumInterval = "00:05:00")
    public void onTimer(
            @TimerTrigger(name = "timer", schedule = "%STANCE_SCHEDULE%") String timer,
            ExecutionContext context) {
        complete(ScheduledTick.run(sync.get(), context.getInvocationId(), "timer"), context);
    }

    /**
     * The fan-out's worker: one work message of the storage queue {@code STANCE_WORK_QUEUE_NAME}
     * (the queue {@code STANCE_WORK_QUEUE} names) per invocation, a resumable push of one source
     * or a blob event. A transient failure throws, so the host delivers the message again and,
     * after host.json's maxDequeueCount, moves it to the poison queue.
     */
    @FunctionName("StanceQueueWorker")
    public void onQueue(
            @QueueTrigger(name = "message", queueName = "%STANCE_WORK_QUEUE_NAME%",
                    connection = "STANCE_WORK_STORAGE") String message,
            @BindingName("Id") String id,
            ExecutionContext context) {
        QueueWorker worker;
        try {
            worker = workers.get();
        } catch (IllegalArgumentException e) {
            // No redelivery fixes a setting: one line, acknowledged.
            context.getLogger().log(Level.SEVERE, "stance-sync worker: configuration: " + e.getMessage());
            return;
        }
        String messageId = id == null || id.isBlank() ? context.getInvocationId() : unquote(id);
        if (!worker.process(Map.of(messageId, message), QueueWorker.budget(env, LONGEST_INVOCATION)).isEmpty()) {
            throw new SyncFailedException("stance-sync worker: message " + messageId + " left for redelivery");
        }
    }

    private static void complete(BatchOutcome outcome, ExecutionContext context) {
        outcome.log((severity, line) -> context.getLogger().log(switch (severity) {
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case ERROR -> Level.SEVERE;
        }, line)).throwIfRedelivery();
    }

    /** The host passes the blob Uri metadata as JSON, so the value may arrive as a quoted JSON string. */
    static String unquote(String value) {
        String trimmed = value.strip();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** One event object or an array of them, in the Event Grid or the CloudEvents 1.0 schema. */
    static List<FunctionEvent> blobCreatedEvents(String json) {
        JsonNode parsed;
        try {
            parsed = EventJson.parse(json);
        } catch (MalformedEventException e) {
            return List.of(FunctionEvent.malformed("event", "Event Grid event", e.getMessage()));
        }
        List<FunctionEvent> events = new ArrayList<>();
        if (parsed.isArray()) {
            for (int i = 0; i < parsed.size(); i++) {
                events.add(blobCreated(parsed.get(i), i));
            }
        } else {
            events.add(blobCreated(parsed, 0));
        }
        return events;
    }

    private static FunctionEvent blobCreated(JsonNode event, int index) {
        String id = EventJson.optionalText(event, "id") != null ? EventJson.optionalText(event, "id") : "event " + index;
        String what = "Event Grid event " + id;
        // Event Grid schema: eventType + topic; CloudEvents 1.0 schema: type + source.
        String type = first(EventJson.optionalText(event, "eventType"), EventJson.optionalText(event, "type"));
        if (type == null) {
            return FunctionEvent.malformed(id, what, "Event Grid event has neither eventType nor type");
        }
        if (!BLOB_CREATED.equals(type)) {
            return FunctionEvent.ignored(id, what, type);
        }
        String url = EventJson.optionalText(event, "data.url");
        if (url == null) {
            return FunctionEvent.malformed(id, what, "BlobCreated event without data.url (subject "
                    + EventJson.optionalText(event, "subject") + ")");
        }
        String topic = first(EventJson.optionalText(event, "topic"), EventJson.optionalText(event, "source"));
        return FunctionEvent.objectCreated(id, url, subscriptionId(topic));
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** "/subscriptions/{id}/resourceGroups/..." → id; null when the topic has no such segment. */
    static String subscriptionId(String topic) {
        if (topic == null) {
            return null;
        }
        String[] segments = topic.split("/");
        for (int i = 0; i + 1 < segments.length; i++) {
            if (segments[i].equalsIgnoreCase("subscriptions") && !segments[i + 1].isEmpty()) {
                return segments[i + 1];
            }
        }
        return null;
    }
}
