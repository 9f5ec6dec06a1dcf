package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.List;
import java.util.Map;

/**
 * S3 "Object Created" events delivered by EventBridge (aws-lambda-java-events models every
 * EventBridge event as {@link ScheduledEvent}: envelope plus a {@code detail} map). The source
 * account is {@code STANCE_ACCOUNT_ID}, else the event's {@code account}, else the function's.
 */
public final class EventBridgeHandler implements RequestHandler<ScheduledEvent, Void> {

    private final SyncFunction function;

    public EventBridgeHandler() {
        this(System.getenv());
    }

    public EventBridgeHandler(Map<String, String> env) {
        this.function = LambdaSupport.function(env);
    }

    @Override
    public Void handleRequest(ScheduledEvent event, Context context) {
        FunctionEvent created = EventDecoder.eventBridge(String.valueOf(event.getId()), event.getSource(),
                event.getDetailType(), event.getAccount(), EventJson.tree(event.getDetail() == null ? Map.of()
                        : event.getDetail()), LambdaSupport.accountOf(context));
        LambdaSupport.log(context, function.handle(List.of(created))).throwIfRedelivery();
        return null;
    }
}
