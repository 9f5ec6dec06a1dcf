package com.mantissa.stance.sync.function.azure;

import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.function.Invocation;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.function.SyncFunction;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * The Azure Functions entry points. Each one decodes its trigger, calls the core {@link SyncFunction}
 * facade and maps the {@link Invocation} back: one structured log line, and an exception when the
 * platform must see a failure so that its retry policy applies (Event Grid redelivery, the blob
 * trigger's dequeue count, the timer's retry annotation).
 */
public final class StanceSyncFunctions {

    /** Event type the Event Grid subscription delivers; anything else is logged and ignored. */
    static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";

    private static volatile SyncFunction production;

    private final Supplier<SyncFunction> sync;

    /** Used by the Functions Java worker, which creates an instance per invocation. */
    public StanceSyncFunctions() {
        this.sync = StanceSyncFunctions::production;
    }

    /** Builds the facade from the given environment (tests point it at emulators). */
    public StanceSyncFunctions(Map<String, String> env) {
        SyncFunction function = SyncFunction.fromEnvironment(env);
        this.sync = () -> function;
    }

    /*
     * The worker instantiates the class for every invocation, so the facade (adapters, SDK clients,
     * connection pools) lives in a static field and is built once per process. A configuration
     * error is not cached: every invocation fails with the facade's message naming the variable.
     */
    private static SyncFunction production() {
        SyncFunction function = production;
        if (function == null) {
            synchronized (StanceSyncFunctions.class) {
                function = production;
                if (function == null) {
                    function = SyncFunction.fromEnvironment(System.getenv());
                    production = function;
                }
            }
        }
        return function;
    }

    /**
     * Low-latency path: an Event Grid subscription on the source storage account delivers
     * {@code Microsoft.Storage.BlobCreated} (Event Grid or CloudEvents 1.0 schema). The extension
     * hands over one event; a JSON array of events (the form Event Grid posts and Microsoft's
     * documentation shows) is accepted too. Redelivery on failure is configured on the
     * subscription (see terraform/azure).
     */
    @FunctionName("StanceEventGridSync")
    public void onEventGrid(
            @EventGridTrigger(name = "event") String event,
            ExecutionContext context) {
        SyncFailedException failure = null;
        for (BlobCreatedEvent created : BlobCreatedEvent.parseAll(event)) {
            if (!BLOB_CREATED.equals(created.type())) {
                context.getLogger().fine(() -> "stance-sync ignored Event Grid event of type " + created.type());
                continue;
            }
            Invocation invocation = sync.get().onObjectCreated(created.url(), created.subscriptionId());
            log(invocation, context);
            if (invocation.failed()) {
                SyncFailedException e = invocation.toException();
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Alternative for deployments without Event Grid: the blob trigger on the source container. The
     * host hands the blob content over as well; it is not used because the facade streams the file
     * itself, bounded by the batch size. Retries follow host.json (poisonBlobThreshold), then the poison
     * queue.
     */
    @FunctionName("StanceBlobSync")
    public void onBlob(
            @BlobTrigger(name = "content", dataType = "binary",
                    path = "%STANCE_SOURCE_CONTAINER%/{name}.jsonl",
                    connection = "STANCE_SOURCE_STORAGE") byte[] content,
            @BindingName("Uri") String uri,
            ExecutionContext context) {
        throwIfFailed(log(sync.get().onObjectCreated(unquote(uri), null), context));
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
        throwIfFailed(log(sync.get().onSchedule("timer"), context));
    }

    /** One structured line per invocation, at the level the outcome deserves. */
    private static Invocation log(Invocation invocation, ExecutionContext context) {
        Level level = switch (invocation.outcome()) {
            case IGNORED -> Level.FINE;
            case SUCCEEDED -> Level.INFO;
            case FAILED -> Level.SEVERE;
        };
        context.getLogger().log(level, invocation.toJson());
        return invocation;
    }

    private static void throwIfFailed(Invocation invocation) {
        if (invocation.failed()) {
            throw invocation.toException();
        }
    }

    /*
     * The host passes non-string trigger metadata (the blob Uri) to the Java worker as JSON, so the
     * value may arrive as a quoted JSON string.
     */
    static String unquote(String value) {
        Objects.requireNonNull(value, "blob trigger metadata 'Uri' is missing");
        String trimmed = value.strip();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** The fields of a BlobCreated event that the sync needs, in either delivery schema. */
    record BlobCreatedEvent(String type, String url, String subscriptionId) {

        /** One event object, or an array of them. */
        static List<BlobCreatedEvent> parseAll(String json) {
            Object parsed;
            try {
                parsed = JsonParser.parse(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Event Grid event is not valid JSON: " + e.getMessage(), e);
            }
            List<BlobCreatedEvent> events = new ArrayList<>();
            if (parsed instanceof List<?> list) {
                for (Object item : list) {
                    events.add(of(item));
                }
            } else {
                events.add(of(parsed));
            }
            return events;
        }

        private static BlobCreatedEvent of(Object parsed) {
            if (!(parsed instanceof Map<?, ?> event)) {
                throw new IllegalArgumentException("Event Grid event is not a JSON object");
            }
            // Event Grid schema: eventType + topic; CloudEvents 1.0 schema: type + source.
            String type = text(event, "eventType", text(event, "type", null));
            String topic = text(event, "topic", text(event, "source", null));
            if (type == null) {
                throw new IllegalArgumentException("Event Grid event has neither eventType nor type");
            }
            String url = event.get("data") instanceof Map<?, ?> data ? text(data, "url", null) : null;
            if (BLOB_CREATED.equals(type) && url == null) {
                throw new IllegalArgumentException("BlobCreated event without data.url (subject "
                        + text(event, "subject", "?") + ")");
            }
            return new BlobCreatedEvent(type, url, subscriptionId(topic));
        }

        private static String text(Map<?, ?> map, String key, String fallback) {
            return map.get(key) instanceof String s ? s : fallback;
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
}
