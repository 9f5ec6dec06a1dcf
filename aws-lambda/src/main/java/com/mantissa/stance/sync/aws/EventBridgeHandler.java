package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.mantissa.stance.sync.function.Invocation;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.List;
import java.util.Map;

/**
 * S3 "Object Created" events delivered by EventBridge (aws-lambda-java-events models every
 * EventBridge event as {@link ScheduledEvent}: envelope plus a {@code detail} map). The source
 * account is {@code STANCE_ACCOUNT_ID}, else the event's {@code account}.
 */
public final class EventBridgeHandler implements RequestHandler<ScheduledEvent, Void> {

    private final SyncFunction function;

    public EventBridgeHandler() {
        this(System.getenv());
    }

    public EventBridgeHandler(Map<String, String> env) {
        this.function = SyncFunction.fromEnvironment(env);
    }

    @Override
    public Void handleRequest(ScheduledEvent event, Context context) {
        String trigger = "eventbridge " + event.getSource() + " " + event.getDetailType();
        Invocation invocation;
        try {
            S3Notifications.ObjectCreated created = S3Notifications.fromEventBridge(
                    event.getSource(), event.getDetailType(), event.getAccount(), event.getDetail());
            if (created == null) {
                invocation = Invocation.ignored(trigger, "event " + event.getId());
            } else {
                String account = created.account() != null ? created.account() : LambdaSupport.accountOf(context);
                invocation = function.onObjectCreated(created.uri(), account);
            }
        } catch (IllegalArgumentException e) {
            invocation = Invocation.rejected(trigger, "event " + event.getId(), e.getMessage());
        }
        LambdaSupport.log(context, invocation);
        LambdaSupport.throwIfAnyFailed(List.of(invocation));
        return null;
    }
}
