package com.mantissa.stance.sync.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The one reading of every payload the handlers and the queue worker accept: which events count
 * as a created scan file, how each platform's object keys are decoded, and which account an
 * object is pushed for. A handler may let its platform's library parse the envelope (Lambda's
 * {@code S3Event}, the CloudEvents SDK) but hands the fields to this class, so that the same
 * event means the same push whichever entry point receives it.
 *
 * <ul>
 *   <li>S3 event notifications (also inside an SNS envelope): records named
 *       {@code ObjectCreated:*}, keys form-URL-decoded; {@code s3:TestEvent} is ignored.</li>
 *   <li>EventBridge events from {@code aws.s3} of detail-type "Object Created", the key as stored;
 *       the account is the event's own.</li>
 *   <li>EventBridge events from {@code aws.securityhub} of detail-type "Security Hub Findings -
 *       Imported" (ASFF) or "Findings Imported V2" (OCSF): the findings in {@code detail.findings},
 *       pushed into the event's account.</li>
 *   <li>Event Grid {@code Microsoft.Storage.BlobCreated}, in the Event Grid schema
 *       ({@code eventType}, {@code topic}) or the CloudEvents schema ({@code type}, {@code source}),
 *       one event or an array; the account is the subscription the topic names.</li>
 *   <li>GCS: Pub/Sub notifications ({@code storage#object} resources, {@code OBJECT_FINALIZE})
 *       and CloudEvents {@code google.cloud.storage.object.v1.finalized}.</li>
 *   <li>The work message about one source ({@link WorkMessages#source}), whose location,
 *       account and provider are checked here: a bad one is that message's error.</li>
 * </ul>
 *
 * Nothing here throws for a bad payload: it becomes a {@link FunctionEvent#malformed} event,
 * which {@link SyncFunction#handle} logs once and acknowledges. Where an event names no account,
 * the object belongs to {@code platformAccount}, the account the receiving function runs in
 * (null where the platform does not say); {@code STANCE_ACCOUNT_ID} overrides both.
 */
public final class EventDecoder {
    /** The field that marks a message written by stance-sync itself. */
    public static final String MARKER = "stance_sync";
    static final String S3_CREATED = "ObjectCreated:";
    static final String EVENTBRIDGE_SOURCE = "aws.s3";
    static final String EVENTBRIDGE_CREATED = "Object Created";
    public static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";
    public static final String GCS_FINALIZED = "google.cloud.storage.object.v1.finalized";
    static final String GCS_NOTIFICATION_FINALIZE = "OBJECT_FINALIZE";
    static final String SECURITY_HUB_SOURCE = "aws.securityhub";
    /** Security Hub CSPM's event: ASFF findings. */
    public static final String SECURITY_HUB_IMPORTED = "Security Hub Findings - Imported";
    /** Security Hub's newer event: OCSF findings. */
    public static final String SECURITY_HUB_IMPORTED_V2 = "Findings Imported V2";
    private static final String ACCEPTED = "expected a stance_sync source message, an S3 event notification,"
            + " an EventBridge S3 or Security Hub event, an Event Grid or CloudEvents BlobCreated event or a GCS notification";

    private EventDecoder() {
    }

    /** Push one whole source; {@code continuation} counts the invocations before this one. */
    public record SourcePush(SourceSpec source, int continuation) {
    }

    /**
     * What one message asks for: whole sources to push, and events for {@link SyncFunction#handle}
     * (created objects, ignored and malformed events), each with the message's id.
     */
    public record Work(List<SourcePush> sources, List<FunctionEvent> events) {
        public Work {
            sources = List.copyOf(sources);
            events = List.copyOf(events);
        }

        static Work of(FunctionEvent event) {
            return new Work(List.of(), List.of(event));
        }
    }

    /** Whether {@code body} is a message about a source (not a platform's event), without failing on any body. */
    public static boolean isSourceMessage(String body) {
        try {
            return "source".equals(EventJson.optionalText(EventJson.parse(body), MARKER));
        } catch (MalformedEventException notJson) {
            return false;
        }
    }

    /** A queue message's body, of any kind above. */
    public static Work message(String id, String body, String platformAccount) {
        String what = "message " + id;
        try {
            Work work = json(id, what, EventJson.parse(body), platformAccount);
            // An empty array or record list still gets its line, as every other message does.
            return work.sources().isEmpty() && work.events().isEmpty()
                    ? Work.of(FunctionEvent.ignored(id, what, "no events")) : work;
        } catch (MalformedEventException e) {
            return Work.of(FunctionEvent.malformed(id, what, e.getMessage()));
        }
    }

    private static Work json(String id, String what, JsonNode m, String platformAccount) {
        if (m.isArray()) {
            List<FunctionEvent> events = new ArrayList<>();
            m.forEach(event -> events.add(eventGridOrCloudEvent(id, "element of " + what, event, platformAccount)));
            return new Work(List.of(), events);
        }
        if (!m.isObject()) {
            throw new MalformedEventException("not a work message: " + ACCEPTED);
        }
        if (m.has(MARKER)) {
            return new Work(List.of(source(m)), List.of());
        }
        if ("Notification".equals(EventJson.optionalText(m, "Type"))) {
            return json(id, what, EventJson.parse(EventJson.text(m, "Message")), platformAccount);
        }
        if ("s3:TestEvent".equals(EventJson.optionalText(m, "Event"))) {
            return Work.of(FunctionEvent.ignored(id, what, "s3:TestEvent"));
        }
        if (m.path("Records").isArray()) {
            List<FunctionEvent> events = new ArrayList<>();
            for (JsonNode record : m.path("Records")) {
                events.add(s3Record(id, what, record, platformAccount));
            }
            return new Work(List.of(), events);
        }
        if (m.has("detail-type")) {
            return Work.of(eventBridge(id, EventJson.optionalText(m, "source"), EventJson.optionalText(m, "detail-type"),
                    EventJson.optionalText(m, "account"), m.path("detail"), platformAccount));
        }
        if (m.has("eventType") || m.has("specversion")) {
            return Work.of(eventGridOrCloudEvent(id, what, m, platformAccount));
        }
        if ("storage#object".equals(EventJson.optionalText(m, "kind"))) {
            return Work.of(gcsObject(id, what, m, platformAccount));
        }
        throw new MalformedEventException("not a work message: " + ACCEPTED);
    }

    // ------------------------------------------------------------------ S3 and EventBridge

    /**
     * One S3 notification record as a platform library read it; {@code key} as S3 sends it,
     * form-URL-encoded ("a b" arrives as "a+b"). Records name no account.
     */
    public static FunctionEvent s3Record(String id, String eventName, String bucket, String key,
                                         String platformAccount) {
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            return FunctionEvent.malformed(id, "record " + id, "S3 event record without s3.bucket.name or s3.object.key");
        }
        String uri = "s3://" + bucket + "/" + URLDecoder.decode(key, StandardCharsets.UTF_8);
        return eventName != null && eventName.startsWith(S3_CREATED)
                ? FunctionEvent.objectCreated(id, uri, platformAccount)
                : FunctionEvent.ignored(id, uri, "s3 " + eventName);
    }

    private static FunctionEvent s3Record(String id, String what, JsonNode record, String platformAccount) {
        try {
            return s3Record(id, EventJson.optionalText(record, "eventName"), EventJson.text(record, "s3.bucket.name"),
                    EventJson.text(record, "s3.object.key"), platformAccount);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(id, what, "S3 event record: " + e.getMessage());
        }
    }

    /**
     * An EventBridge event: S3's "Object Created" names the bucket, the key as stored and the
     * account; Security Hub's "Findings - Imported" carries findings of the event's account.
     */
    public static FunctionEvent eventBridge(String id, String source, String detailType, String account,
                                            JsonNode detail, String platformAccount) {
        if (SECURITY_HUB_SOURCE.equals(source)
                && (SECURITY_HUB_IMPORTED.equals(detailType) || SECURITY_HUB_IMPORTED_V2.equals(detailType))) {
            String what = "securityhub event " + id;
            if (!detail.path("findings").isArray()) {
                return FunctionEvent.malformed(id, what, "Security Hub event without detail.findings");
            }
            Format format = SECURITY_HUB_IMPORTED.equals(detailType) ? Format.ASFF : Format.OCSF;
            return FunctionEvent.findingsImported(id, what, account != null ? account : platformAccount,
                    new FunctionEvent.Imported(format, "{\"detail\": " + detail + "}"));
        }
        if (!EVENTBRIDGE_SOURCE.equals(source) || !EVENTBRIDGE_CREATED.equals(detailType)) {
            return FunctionEvent.ignored(id, "event " + id, "eventbridge " + source + " " + detailType);
        }
        try {
            String uri = "s3://" + EventJson.text(detail, "bucket.name") + "/" + EventJson.text(detail, "object.key");
            return FunctionEvent.objectCreated(id, uri, account != null ? account : platformAccount);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(id, "event " + id, "EventBridge detail." + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ Event Grid and CloudEvents

    /** What Event Grid posts: one event or an array, in the Event Grid or the CloudEvents schema. */
    public static List<FunctionEvent> eventGrid(String json, String platformAccount) {
        JsonNode parsed;
        try {
            parsed = EventJson.parse(json);
        } catch (MalformedEventException e) {
            return List.of(FunctionEvent.malformed("event", "Event Grid event", e.getMessage()));
        }
        List<FunctionEvent> events = new ArrayList<>();
        List<JsonNode> elements = new ArrayList<>();
        if (parsed.isArray()) {
            parsed.forEach(elements::add);
        } else {
            elements.add(parsed);
        }
        for (int i = 0; i < elements.size(); i++) {
            String own = EventJson.optionalText(elements.get(i), "id");
            String id = own != null ? own : "event " + i;
            events.add(eventGridOrCloudEvent(id, "Event Grid event " + id, elements.get(i), platformAccount));
        }
        return events;
    }

    /**
     * One CloudEvent as a platform's SDK read it (GCS finalized, or Event Grid in the CloudEvents
     * schema): its type, source and data (JSON text; null when the event has none).
     */
    public static FunctionEvent cloudEvent(String id, String type, String source, String data,
                                           String platformAccount) {
        String what = (source == null ? "" : source + " ") + "(event " + id + ")";
        if (!GCS_FINALIZED.equals(type) && !BLOB_CREATED.equals(type)) {
            return FunctionEvent.ignored(id, what, type);
        }
        JsonNode parsed;
        try {
            parsed = EventJson.parseObject(data);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(id, what, "event data: " + e.getMessage());
        }
        return GCS_FINALIZED.equals(type) ? gcsObject(id, what, parsed, platformAccount)
                : blobCreated(id, what, parsed, source, platformAccount);
    }

    /** One Event Grid event, in either schema, or a CloudEvent in structured JSON. */
    private static FunctionEvent eventGridOrCloudEvent(String id, String what, JsonNode event, String platformAccount) {
        if (!event.isObject()) {
            return FunctionEvent.malformed(id, what, "an Event Grid event is not a JSON object");
        }
        // Event Grid schema: eventType + topic; CloudEvents 1.0 schema: type + source.
        String type = first(EventJson.optionalText(event, "eventType"), EventJson.optionalText(event, "type"));
        String topic = first(EventJson.optionalText(event, "topic"), EventJson.optionalText(event, "source"));
        if (type == null) {
            return FunctionEvent.malformed(id, what, "Event Grid event has neither eventType nor type");
        }
        if (GCS_FINALIZED.equals(type)) {
            return gcsObject(id, what, event.path("data"), platformAccount);
        }
        if (!BLOB_CREATED.equals(type)) {
            return FunctionEvent.ignored(id, what, type);
        }
        return blobCreated(id, what, event.path("data"), topic, platformAccount);
    }

    private static FunctionEvent blobCreated(String id, String what, JsonNode data, String topic,
                                             String platformAccount) {
        String url = EventJson.optionalText(data, "url");
        if (url == null) {
            return FunctionEvent.malformed(id, what, "BlobCreated event without data.url");
        }
        String subscription = subscriptionId(topic);
        return FunctionEvent.objectCreated(id, url, subscription != null ? subscription : platformAccount);
    }

    /** "/subscriptions/{id}/resourceGroups/..." → id; null when the topic has no such segment. */
    static String subscriptionId(String topic) {
        if (topic == null) {
            return null;
        }
        String[] segments = topic.split("/");
        for (int i = 0; i + 1 < segments.length; i++) {
            if (segments[i].equalsIgnoreCase("subscriptions") && !segments[i + 1].isEmpty()) {
                return segments[i + 1];
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ GCS and Pub/Sub

    /** A GCS object resource (the data of a finalized event or of a notification): bucket and name, as stored. */
    private static FunctionEvent gcsObject(String id, String what, JsonNode object, String platformAccount) {
        try {
            String uri = "gs://" + EventJson.text(object, "bucket") + "/" + EventJson.text(object, "name");
            return FunctionEvent.objectCreated(id, uri, platformAccount);
        } catch (MalformedEventException e) {
            return FunctionEvent.malformed(id, what, "storage object: " + e.getMessage());
        }
    }

    /**
     * One Pub/Sub message as Eventarc delivers it ({@code MessagePublishedData}): its id, its body,
     * and, for a GCS notification of another kind than {@code OBJECT_FINALIZE} (its
     * {@code eventType} attribute), the reason it is ignored.
     */
    public record PubSubMessage(String id, String body, String ignoredBecause) {
    }

    /** @throws MalformedEventException naming what the delivery lacks */
    public static PubSubMessage pubSubMessage(String fallbackId, JsonNode published) {
        JsonNode message = published.path("message");
        String id = first(EventJson.optionalText(message, "messageId"), fallbackId);
        String data = EventJson.text(message, "data");
        String body;
        try {
            body = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("message.data is not Base64: " + e.getMessage(), e);
        }
        String gcsEvent = EventJson.optionalText(message, "attributes.eventType");
        boolean otherNotification = gcsEvent != null && gcsEvent.startsWith("OBJECT_")
                && !GCS_NOTIFICATION_FINALIZE.equals(gcsEvent);
        return new PubSubMessage(id, body, otherNotification ? "gcs " + gcsEvent : null);
    }

    // ------------------------------------------------------------------ the source message

    /** The source message's fields, checked: a bad one is that message's error, never a crash. */
    private static SourcePush source(JsonNode m) {
        if (!"source".equals(EventJson.optionalText(m, MARKER))) {
            throw new MalformedEventException(MARKER + " must be \"source\"");
        }
        String location = EventJson.text(m, "location");
        String account = EventJson.text(m, "account");
        try {
            JsonNode continuation = m.path("continuation");
            if (!continuation.isMissingNode() && !(continuation.isIntegralNumber() && continuation.canConvertToInt()
                    && continuation.asInt() >= 0)) {
                throw new IllegalArgumentException("continuation must be a whole number, 0 or more, not " + continuation);
            }
            String format = EventJson.optionalText(m, "format");
            return new SourcePush(SourceSpec.of(StorageLocation.parse(location), account,
                    EventJson.optionalText(m, "provider")).withFormat(format == null ? null
                    : Format.parse(format, "format")), continuation.asInt(0));
        } catch (IllegalArgumentException | InvalidRecordException e) {
            throw new MalformedEventException("source message: " + e.getMessage(), e);
        }
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
