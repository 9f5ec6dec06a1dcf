package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.MalformedEventException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns the shapes S3 reports created objects in (notification records, EventBridge detail, SQS/SNS bodies) into core events. */
final class S3Notifications {
    private static final String EVENTBRIDGE_SOURCE = "aws.s3";
    private static final String EVENTBRIDGE_CREATED = "Object Created";

    private S3Notifications() {
    }

    /** A bucket notification's records; {@code account} is the function's own (records name none). */
    static List<FunctionEvent> fromS3Event(S3Event event, String account) {
        List<FunctionEvent> events = new ArrayList<>();
        List<S3EventNotificationRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (int i = 0; i < records.size(); i++) {
            S3EventNotificationRecord record = records.get(i);
            // S3 form-encodes keys in notifications ("a b" arrives as "a+b"); this decodes them.
            String uri = s3Uri(record.getS3().getBucket().getName(), record.getS3().getObject().getUrlDecodedKey());
            events.add(isObjectCreated(record.getEventName())
                    ? FunctionEvent.objectCreated("record " + i, uri, account)
                    : FunctionEvent.ignored("record " + i, uri, "s3 " + record.getEventName()));
        }
        return events;
    }

    /** An EventBridge event: S3 "Object Created" names its bucket, key (as stored) and account. */
    static FunctionEvent fromEventBridge(String id, String source, String detailType, String account, JsonNode detail) {
        if (!EVENTBRIDGE_SOURCE.equals(source) || !EVENTBRIDGE_CREATED.equals(detailType)) {
            return FunctionEvent.ignored(id, "event " + id, "eventbridge " + source + " " + detailType);
        }
        try {
            String uri = s3Uri(EventJson.text(detail, "bucket.name"), EventJson.text(detail, "object.key"));
            return FunctionEvent.objectCreated(id, uri, account);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(id, "event " + id, "EventBridge detail." + e.getMessage());
        }
    }

    /** {@link #fromEventBridge} for the platform's {@code ScheduledEvent} detail map. */
    static FunctionEvent fromEventBridge(String id, String source, String detailType, String account,
                                         Map<String, Object> detail) {
        return fromEventBridge(id, source, detailType, account, EventJson.tree(detail));
    }

    /**
     * The events in an SQS message body, each with the message id: an S3 event notification
     * (possibly inside an SNS envelope) or an EventBridge event routed to the queue. S3's
     * {@code s3:TestEvent}, sent when a notification is configured, yields nothing; a body of
     * another shape is one malformed event.
     */
    static List<FunctionEvent> fromMessageBody(String messageId, String body) {
        try {
            return fromJson(messageId, EventJson.parseObject(body));
        } catch (MalformedEventException e) {
            return List.of(FunctionEvent.malformed(messageId, "message " + messageId,
                    "not an S3 event notification: " + e.getMessage()));
        }
    }

    private static List<FunctionEvent> fromJson(String id, JsonNode message) {
        if (message.path("Records").isArray()) {
            List<FunctionEvent> events = new ArrayList<>();
            for (JsonNode record : message.path("Records")) {
                String name = EventJson.optionalText(record, "eventName");
                String uri = s3Uri(EventJson.text(record, "s3.bucket.name"),
                        // The same form-encoding as in a direct notification ("+" for space, %XX).
                        URLDecoder.decode(EventJson.text(record, "s3.object.key"), StandardCharsets.UTF_8));
                events.add(isObjectCreated(name) ? FunctionEvent.objectCreated(id, uri, null)
                        : FunctionEvent.ignored(id, uri, "s3 " + name));
            }
            return events;
        }
        if ("s3:TestEvent".equals(EventJson.optionalText(message, "Event"))) {
            return List.of();
        }
        if ("Notification".equals(EventJson.optionalText(message, "Type"))) {
            return fromJson(id, EventJson.parseObject(EventJson.text(message, "Message")));
        }
        if (message.has("detail-type")) {
            return List.of(fromEventBridge(id, EventJson.optionalText(message, "source"),
                    EventJson.optionalText(message, "detail-type"), EventJson.optionalText(message, "account"),
                    message.path("detail")));
        }
        throw new MalformedEventException("no Records, s3:TestEvent, SNS Message or EventBridge detail-type in the body");
    }

    /** Notification records name the event {@code ObjectCreated:Put}; configurations say {@code s3:ObjectCreated:*}. */
    static boolean isObjectCreated(String eventName) {
        return eventName != null && (eventName.startsWith("ObjectCreated:") || eventName.startsWith("s3:ObjectCreated:"));
    }

    /** {@code s3://bucket/key} with the key as stored (already decoded). */
    static String s3Uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }
}
