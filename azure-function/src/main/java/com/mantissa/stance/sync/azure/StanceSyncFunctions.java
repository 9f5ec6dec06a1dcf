package com.mantissa.stance.sync.azure;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.worker.ScheduledTick;
import com.mantissa.stance.sync.worker.WorkerStartup;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.time.Duration;
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

    /* The worker instantiates the class per invocation: the facade (adapters, SDK clients) is built once per process. */
    private static final class Production {
        static final SyncFunction FUNCTION = SyncFunction.fromEnvironment(System.getenv());
        static final WorkerStartup WORKER = new WorkerStartup(System.getenv(), null);
    }

    /** The longest a Consumption plan invocation may run (host.json's functionTimeout). */
    static final Duration LONGEST_INVOCATION = Duration.ofMinutes(10);

    private final Supplier<SyncFunction> sync;
    private final WorkerStartup worker;

    /** Used by the Functions Java worker, which creates an instance per invocation. */
    public StanceSyncFunctions() {
        this.sync = () -> Production.FUNCTION;
        this.worker = Production.WORKER;
    }

    /** Builds the facade from the given environment (tests point it at emulators). */
    public StanceSyncFunctions(Map<String, String> env) {
        SyncFunction function = SyncFunction.fromEnvironment(env);
        this.sync = () -> function;
        this.worker = new WorkerStartup(env, null);
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
        complete(sync.get().handle(EventDecoder.eventGrid(event, null)), context);
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
        onBlobCreated(uri, context);
    }

    /**
     * The blob trigger for other producers' files (Prowler's {@code *.ocsf.json},
     * {@code *.asff.json}): a blob path pattern names one extension, so {@code .json} blobs have
     * their own function; the core ignores (debug log) every {@code .json} that is not one of them.
     */
    @FunctionName("StanceProducerBlobSync")
    public void onProducerBlob(
            @BlobTrigger(name = "content", dataType = "binary",
                    path = "%STANCE_SOURCE_CONTAINER%/{name}.json",
                    connection = "STANCE_SOURCE_STORAGE") byte[] content,
            @BindingName("Uri") String uri,
            ExecutionContext context) {
        onBlobCreated(uri, context);
    }

    private void onBlobCreated(String uri, ExecutionContext context) {
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
        String messageId = id == null || id.isBlank() ? context.getInvocationId() : unquote(id);
        worker.processOrThrow(messageId, message, LONGEST_INVOCATION, log(context));
    }

    private static void complete(BatchOutcome outcome, ExecutionContext context) {
        outcome.log(log(context)).throwIfRedelivery();
    }

    /** The invocation's logger, at the line's level. */
    private static BatchOutcome.LogSink log(ExecutionContext context) {
        return (severity, line) -> context.getLogger().log(switch (severity) {
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case ERROR -> Level.SEVERE;
        }, line);
    }

    /** The host passes the blob Uri metadata as JSON, so the value may arrive as a quoted JSON string. */
    static String unquote(String value) {
        String trimmed = value.strip();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}
