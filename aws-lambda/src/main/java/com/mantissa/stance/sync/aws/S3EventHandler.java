package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.mantissa.stance.sync.function.Invocation;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * S3 event notification (bucket notification straight to Lambda): pushes the snapshot of each
 * created {@code findings.jsonl} / {@code assets.jsonl}. The source account is
 * {@code STANCE_ACCOUNT_ID}, else the account the function runs in.
 */
public final class S3EventHandler implements RequestHandler<S3Event, Void> {

    private final SyncFunction function;

    /** Lambda's constructor: reads and validates the STANCE_* variables once per execution environment. */
    public S3EventHandler() {
        this(System.getenv());
    }

    public S3EventHandler(Map<String, String> env) {
        this.function = SyncFunction.fromEnvironment(env);
    }

    @Override
    public Void handleRequest(S3Event event, Context context) {
        String account = LambdaSupport.accountOf(context);
        List<Invocation> invocations = new ArrayList<>();
        for (S3EventNotificationRecord record : S3Notifications.records(event)) {
            // S3 form-encodes keys in notifications ("a b" arrives as "a+b"); this decodes them.
            String uri = LambdaSupport.s3Uri(record.getS3().getBucket().getName(),
                    record.getS3().getObject().getUrlDecodedKey());
            Invocation invocation = S3Notifications.isObjectCreated(record.getEventName())
                    ? function.onObjectCreated(uri, account)
                    : Invocation.ignored("s3 " + record.getEventName(), uri);
            LambdaSupport.log(context, invocation);
            invocations.add(invocation);
        }
        LambdaSupport.throwIfAnyFailed(invocations);
        return null;
    }
}
