package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.mantissa.stance.sync.function.Invocation;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SQS messages carrying S3 event notifications (or EventBridge "Object Created" events). Answers
 * with the ids of the messages whose sync failed, so only those return to the queue (and reach
 * its dead-letter queue once their receive count is spent); the event source mapping must
 * enable {@code ReportBatchItemFailures}.
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
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : messages) {
            if (!syncMessage(message, functionAccount, context)) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /** @return false when the message must go back to the queue */
    private boolean syncMessage(SQSEvent.SQSMessage message, String functionAccount, Context context) {
        List<S3Notifications.ObjectCreated> objects;
        try {
            objects = S3Notifications.fromMessageBody(message.getBody());
        } catch (IllegalArgumentException e) {
            LambdaSupport.log(context, Invocation.rejected("sqs", "message " + message.getMessageId(),
                    "not an S3 event notification: " + e.getMessage()));
            return false;
        }
        boolean ok = true;
        for (S3Notifications.ObjectCreated created : objects) {
            String account = created.account() != null ? created.account() : functionAccount;
            Invocation invocation = function.onObjectCreated(created.uri(), account);
            LambdaSupport.log(context, invocation);
            ok &= !invocation.failed();
        }
        return ok;
    }
}
