package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Event documents in the shapes AWS sends, turned into event objects by AWS's own serialisation library (as the runtime does). */
final class AwsEvents {

    private AwsEvents() {
    }

    /** A bucket notification with one {@code ObjectCreated:Put} record per key (keys form-encoded, as S3 sends them). */
    static S3Event s3Put(String bucket, List<String> keys) {
        List<String> records = new ArrayList<>();
        for (String key : keys) {
            records.add(s3Record(bucket, key));
        }
        return s3Event(records);
    }

    /** A bucket notification of the given records, each as {@link #s3Record} writes one. */
    static S3Event s3Event(List<String> records) {
        return deserialize("{\"Records\": [" + String.join(", ", records) + "]}", S3Event.class);
    }

    /** One S3 notification record for {@code key}, as it appears in an S3Event or an SQS body. */
    static String s3Record(String bucket, String key) {
        return "{\"eventVersion\": \"2.1\", \"eventSource\": \"aws:s3\", \"awsRegion\": \"us-east-1\","
                + " \"eventTime\": \"2026-11-24T06:00:12.345Z\", \"eventName\": \"ObjectCreated:Put\","
                + " \"s3\": {\"s3SchemaVersion\": \"1.0\", \"bucket\": {\"name\": \"" + bucket + "\", \"arn\": \"arn:aws:s3:::"
                + bucket + "\"}, \"object\": {\"key\": \"" + URLEncoder.encode(key, StandardCharsets.UTF_8)
                + "\", \"size\": 1024, \"sequencer\": \"0055AED6DCD90281E5\"}}}";
    }

    /** An EventBridge "Object Created" event from S3 for {@code key} in {@code account}'s bucket. */
    static String eventBridgeCreated(String id, String account, String bucket, String key) {
        return "{\"version\": \"0\", \"id\": \"" + id + "\", \"detail-type\": \"Object Created\", \"source\": \"aws.s3\","
                + " \"account\": \"" + account + "\", \"time\": \"2026-11-24T06:00:12Z\", \"region\": \"us-east-1\","
                + " \"resources\": [\"arn:aws:s3:::" + bucket + "\"], \"detail\": {\"version\": \"0\", \"bucket\": {\"name\": \""
                + bucket + "\"}, \"object\": {\"key\": \"" + key + "\", \"size\": 1024}, \"reason\": \"PutObject\"}}";
    }

    /** An SQS batch: message {@code i} has id {@code ids.get(i)} and body {@code bodies.get(i)}. */
    static SQSEvent sqs(List<String> ids, List<String> bodies) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            messages.add("{\"messageId\": \"" + ids.get(i) + "\", \"receiptHandle\": \"AQEB" + i + "\", \"body\": "
                    + quote(bodies.get(i)) + ", \"attributes\": {\"ApproximateReceiveCount\": \"1\"},"
                    + " \"messageAttributes\": {}, \"eventSource\": \"aws:sqs\","
                    + " \"eventSourceARN\": \"arn:aws:sqs:us-east-1:123456789012:stance-sync-scan-events\","
                    + " \"awsRegion\": \"us-east-1\"}");
        }
        return deserialize("{\"Records\": [" + String.join(", ", messages) + "]}", SQSEvent.class);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static <T> T deserialize(String json, Class<T> type) {
        return LambdaEventSerializers.serializerFor(type, AwsEvents.class.getClassLoader()).fromJson(json);
    }
}
