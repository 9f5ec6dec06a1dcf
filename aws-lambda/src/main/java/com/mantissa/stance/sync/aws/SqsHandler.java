package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SQS messages carrying S3 event notifications (or EventBridge "Object Created" events): the
 * whole batch (up to 10 messages) is pushed by one sync per account. Answers with the ids of
 * the messages that should come back (a transient store failure), so only those return to the
 * queue and reach its dead-letter queue once their receive count is spent; the event source
 * mapping must enable {@code ReportBatchItemFailures}.
 */
public final class SqsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final SyncFunction function;

    public SqsHandler() {
        this(System.getenv());
    }

    public SqsHandler(Map<String, String> env) {
        this.function = SyncFunction.fromEnvironment(env);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String functionAccount = LambdaSupport.accountOf(context);
        List<FunctionEvent> events = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : messages) {
            for (FunctionEvent e : S3Notifications.fromMessageBody(message.getMessageId(), message.getBody())) {
                events.add(e.type() == FunctionEvent.Type.OBJECT_CREATED && e.account() == null
                        ? FunctionEvent.objectCreated(e.id(), e.object(), functionAccount) : e);
            }
        }
        BatchOutcome outcome = LambdaSupport.log(context, function.handle(events));
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : messages) {
            if (outcome.redeliverIds().contains(message.getMessageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
