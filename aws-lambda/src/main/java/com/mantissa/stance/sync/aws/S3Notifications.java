package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the created objects in the shapes S3 reports them in: notification records, EventBridge detail, SQS/SNS bodies. */
final class S3Notifications {

    /** A created object and, when the event says so, the account it belongs to (else null). */
    record ObjectCreated(String uri, String account) {
    }

    private static final String EVENTBRIDGE_SOURCE = "aws.s3";
    private static final String EVENTBRIDGE_CREATED = "Object Created";

    private S3Notifications() {
    }

    static List<S3EventNotificationRecord> records(S3Event event) {
        return event == null || event.getRecords() == null ? List.of() : event.getRecords();
    }

    /** Notification records name the event {@code ObjectCreated:Put}; configurations say {@code s3:ObjectCreated:*}. */
    static boolean isObjectCreated(String eventName) {
        return eventName != null && (eventName.startsWith("ObjectCreated:") || eventName.startsWith("s3:ObjectCreated:"));
    }

    /**
     * The object of an EventBridge "Object Created" event from S3, or null for any other event.
     * EventBridge carries the key as stored (unlike bucket notifications it is not form-encoded).
     */
    static ObjectCreated fromEventBridge(String source, String detailType, String account, Map<String, Object> detail) {
        if (!EVENTBRIDGE_SOURCE.equals(source) || !EVENTBRIDGE_CREATED.equals(detailType)) {
            return null;
        }
        String bucket = string(map(detail, "detail").get("bucket"), "name", "detail.bucket.name");
        String key = string(map(detail, "detail").get("object"), "key", "detail.object.key");
        return new ObjectCreated(LambdaSupport.s3Uri(bucket, key), account == null || account.isBlank() ? null : account);
    }

    /**
     * The created objects in an SQS message body: an S3 event notification (possibly inside an
     * SNS envelope) or an EventBridge event routed to the queue. S3's {@code s3:TestEvent}, sent
     * when a notification is configured, and non-created records yield nothing.
     *
     * @throws IllegalArgumentException when the body is not one of these shapes
     */
    static List<ObjectCreated> fromMessageBody(String body) {
        Map<String, Object> message = JsonParser.parseObject(body == null ? "" : body);
        if (message.get("Records") instanceof List<?> records) {
            List<ObjectCreated> created = new ArrayList<>();
            for (Object r : records) {
                Map<String, Object> record = map(r, "Records[]");
                if (!(record.get("eventName") instanceof String name) || !isObjectCreated(name)) {
                    continue;
                }
                Map<String, Object> s3 = map(record.get("s3"), "Records[].s3");
                String bucket = string(s3.get("bucket"), "name", "Records[].s3.bucket.name");
                String key = string(s3.get("object"), "key", "Records[].s3.object.key");
                // The same form-encoding as in a direct notification ("+" for space, %XX).
                created.add(new ObjectCreated(LambdaSupport.s3Uri(bucket, URLDecoder.decode(key, StandardCharsets.UTF_8)),
                        null));
            }
            return created;
        }
        if ("s3:TestEvent".equals(message.get("Event"))) {
            return List.of();
        }
        if ("Notification".equals(message.get("Type")) && message.get("Message") instanceof String inner) {
            return fromMessageBody(inner);
        }
        if (message.containsKey("detail-type")) {
            ObjectCreated created = fromEventBridge(text(message.get("source")), text(message.get("detail-type")),
                    text(message.get("account")), map(message.get("detail"), "detail"));
            return created == null ? List.of() : List.of(created);
        }
        throw new IllegalArgumentException("no Records, s3:TestEvent, SNS Message or EventBridge detail-type in the body");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String field) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(field + " is missing or not an object");
    }

    private static String string(Object parent, String name, String field) {
        Object value = map(parent, field.substring(0, field.lastIndexOf('.'))).get(name);
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalArgumentException(field + " is missing or not a string");
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }
}
