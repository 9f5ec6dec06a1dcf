package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.Map;

/**
 * S3 event notification (bucket notification straight to Lambda): the created
 * {@code findings.jsonl} / {@code assets.jsonl} of all its records are pushed by one sync. The
 * source account is {@code STANCE_ACCOUNT_ID}, else the account the function runs in. Throws
 * (so that Lambda retries, then hands the event to its on-failure destination) only when a
 * transient store failure remains.
 */
public final class S3EventHandler implements RequestHandler<S3Event, Void> {

    private final SyncFunction function;

    /** Lambda's constructor: reads the STANCE_* variables once per execution environment. */
    public S3EventHandler() {
        this(System.getenv());
    }

    public S3EventHandler(Map<String, String> env) {
        this.function = LambdaSupport.function(env);
    }

    @Override
    public Void handleRequest(S3Event event, Context context) {
        LambdaSupport.log(context, function.handle(S3Notifications.fromS3Event(event, LambdaSupport.accountOf(context))))
                .throwIfRedelivery();
        return null;
    }
}
