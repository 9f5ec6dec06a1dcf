package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.worker.WorkerStartup;
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

    private final SyncFunction function;
    private final WorkerStartup worker;

    public SqsHandler() {
        this(System.getenv());
    }

    public SqsHandler(Map<String, String> env) {
        this.function = LambdaSupport.function(env);
        this.worker = new WorkerStartup(env, null);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        List<FunctionEvent> events = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (SQSEvent.SQSMessage message : messages) {
            if (EventDecoder.isSourceMessage(message.getBody())) {
                sources.put(message.getMessageId(), message.getBody());
            } else {
                events.addAll(EventDecoder.message(message.getMessageId(), message.getBody(),
                        LambdaSupport.accountOf(context)).events());
            }
        }
        Set<String> redeliver = new HashSet<>();
        if (!events.isEmpty() || sources.isEmpty()) {
            redeliver.addAll(LambdaSupport.log(context, function.handle(events)).redeliverIds());
        }
        if (!sources.isEmpty()) {
            redeliver.addAll(worker.process(sources, Duration.ofMillis(context.getRemainingTimeInMillis()),
                    LambdaSupport.sink(context)));
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : messages) {
            if (redeliver.contains(message.getMessageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
