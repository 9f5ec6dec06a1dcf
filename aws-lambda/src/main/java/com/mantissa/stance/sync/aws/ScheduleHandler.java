package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.function.FanOut;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.List;
import java.util.Map;

/**
 * EventBridge Scheduler / scheduled rule: the catch-up over {@code STANCE_SOURCES} and/or the
 * pull to {@code STANCE_PULL_TARGET}, as configured. With {@code STANCE_WORK_QUEUE} set it fans
 * out instead: one message per source (of {@code STANCE_SOURCES_URI} and
 * {@code STANCE_SOURCES}) to that SQS queue, whose workers ({@link SqsHandler}) push them.
 */
public final class ScheduleHandler implements RequestHandler<ScheduledEvent, Void> {

    private final Map<String, String> env;
    private final SyncFunction function;

    public ScheduleHandler() {
        this(System.getenv());
    }

    public ScheduleHandler(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.function = LambdaSupport.function(env);
    }

    @Override
    public Void handleRequest(ScheduledEvent event, Context context) {
        if (FanOut.configured(env)) {
            fanOut(context);
            return null;
        }
        // "schedule" plus the rule or schedule ARN when the event names one, for the log line.
        List<String> resources = event == null ? null : event.getResources();
        String trigger = resources == null || resources.isEmpty() || resources.get(0) == null
                ? "schedule" : "schedule " + resources.get(0);
        String id = event == null || event.getId() == null ? "schedule" : event.getId();
        LambdaSupport.log(context, function.handle(List.of(FunctionEvent.tick(id, trigger)))).throwIfRedelivery();
        return null;
    }

    /**
     * Sends the source messages. A send that failed transiently fails the invocation: nothing
     * retries it (the schedule's and the function's retry attempts are 0, since a late second
     * tick would only duplicate the next one); the failed invocation is kept in the
     * failed-invocation queue, and the next tick sends every source again.
     */
    private void fanOut(Context context) {
        FanOut.Result result;
        try {
            result = FanOut.tick(env);
        } catch (IllegalArgumentException e) {
            context.getLogger().log("stance-sync schedule: configuration: " + e.getMessage(), LogLevel.ERROR);
            return;
        }
        context.getLogger().log(result.toJson(), result.errors().isEmpty() ? LogLevel.INFO : LogLevel.ERROR);
        if (result.retryable()) {
            throw new SyncFailedException("stance-sync schedule: " + result.errors().size()
                    + " source message(s) not sent; first: " + result.errors().get(0));
        }
    }
}
