package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.mantissa.stance.sync.function.EventDecoder;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.SyncFunction;
import java.util.ArrayList;
import java.util.List;
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
        LambdaSupport.log(context, function.handle(events(event, LambdaSupport.accountOf(context)))).throwIfRedelivery();
        return null;
    }

    /** The notification's records, read by the core decoder; {@code account} is the function's own (records name none). */
    static List<FunctionEvent> events(S3Event event, String account) {
        List<FunctionEvent> events = new ArrayList<>();
        List<S3EventNotificationRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (int i = 0; i < records.size(); i++) {
            S3EventNotificationRecord record = records.get(i);
            S3EventNotification.S3Entity s3 = record.getS3();
            events.add(EventDecoder.s3Record("record " + i, record.getEventName(),
                    s3 == null || s3.getBucket() == null ? null : s3.getBucket().getName(),
                    s3 == null || s3.getObject() == null ? null : s3.getObject().getKey(), account));
        }
        return events;
    }
}
