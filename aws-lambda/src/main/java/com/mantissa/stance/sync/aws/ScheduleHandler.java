package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.worker.ScheduledTick;
import java.util.List;
import java.util.Map;

/**
 * EventBridge Scheduler / scheduled rule: the one scheduled tick ({@link ScheduledTick}). With
 * {@code STANCE_WORK_QUEUE} set the sources go to that SQS queue, one message each, for the
 * workers ({@link SqsHandler}); without, they are caught up here. Then the pull and the lifecycle
 * (export, stale accounts) run, whichever are configured. A tick that failed transiently fails
 * the invocation: nothing retries it (the schedule's and the function's retry attempts are 0,
 * since a late second tick would only duplicate the next one); the failed invocation is kept in
 * the failed-invocation queue, and the next tick sends every source again.
 */
public final class ScheduleHandler implements RequestHandler<ScheduledEvent, Void> {

    private final SyncFunction function;

    public ScheduleHandler() {
        this(System.getenv());
    }

    public ScheduleHandler(Map<String, String> env) {
        this.function = LambdaSupport.function(env);
    }

    @Override
    public Void handleRequest(ScheduledEvent event, Context context) {
        // "schedule" plus the rule or schedule ARN when the event names one, for the log line.
        List<String> resources = event == null ? null : event.getResources();
        String trigger = resources == null || resources.isEmpty() || resources.get(0) == null
                ? "schedule" : "schedule " + resources.get(0);
        String id = event == null || event.getId() == null ? "schedule" : event.getId();
        LambdaSupport.log(context, ScheduledTick.run(function, id, trigger)).throwIfRedelivery();
        return null;
    }
}
