package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.worker.QueueWorker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQS messages carrying S3 event notifications (or EventBridge "Object Created" events): the
 * whole batch (up to 10 messages) is pushed by one sync per account. The same handler is the
 * worker of the scheduled fan-out: a source message (the queue named by
 * {@code STANCE_WORK_QUEUE}) is a push of that source within the invocation's time budget,
 * continued by a message to that queue when the budget runs out. Answers with the ids of
 * the messages that should come back (a transient store failure), so only those return to the
 * queue and reach its dead-letter queue once their receive count is spent; the event source
 * mapping must enable {@code ReportBatchItemFailures}.
 */
public final class SqsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final Map<String, String> env;
    private final SyncFunction function;
    private QueueWorker worker;

    public SqsHandler() {
        this(System.getenv());
    }

    public SqsHandler(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.function = LambdaSupport.function(env);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String functionAccount = LambdaSupport.accountOf(context);
        List<FunctionEvent> events = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        Map<String, String> sources = new LinkedHashMap<>();
        for (SQSEvent.SQSMessage message : messages) {
            if (WorkMessages.isSourceMessage(message.getBody())) {
                sources.put(message.getMessageId(), message.getBody());
                continue;
            }
            for (FunctionEvent e : S3Notifications.fromMessageBody(message.getMessageId(), message.getBody())) {
                events.add(e.type() == FunctionEvent.Type.OBJECT_CREATED && e.account() == null
                        ? FunctionEvent.objectCreated(e.id(), e.object(), functionAccount) : e);
            }
        }
        Set<String> redeliver = new HashSet<>();
        if (!events.isEmpty() || sources.isEmpty()) {
            redeliver.addAll(LambdaSupport.log(context, function.handle(events)).redeliverIds());
        }
        if (!sources.isEmpty()) {
            redeliver.addAll(pushSources(sources, context));
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : messages) {
            if (redeliver.contains(message.getMessageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /** A misconfigured worker is one error line and acknowledges: no redelivery fixes a setting. */
    private Set<String> pushSources(Map<String, String> sources, Context context) {
        PrintWriter log = new PrintWriter(System.out, true);
        try {
            if (worker == null) {
                worker = QueueWorker.fromEnvironment(env, log);
            }
        } catch (IllegalArgumentException e) {
            context.getLogger().log("stance-sync worker: configuration: " + e.getMessage(), LogLevel.ERROR);
            return Set.of();
        }
        Duration remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
        return worker.process(sources, QueueWorker.budget(env, remaining));
    }
}
