package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies a queue worker accepts, and the one it sends.
 * <ul>
 *   <li>Work on one source (sent by the scheduled fan-out, {@code stance-sync enqueue}, and as
 *       the continuation of a push that ran out of time):
 *       <pre>{"stance_sync": "source", "location": "s3://spoke/stance", "account": "123456789012",
 *  "provider": "aws", "continuation": 0}</pre></li>
 *   <li>Object-created events, each naming scan files: S3 event notifications (also inside an
 *       SNS envelope; {@code s3:TestEvent} is acknowledged and ignored), EventBridge
 *       "Object Created" events from S3, Event Grid {@code BlobCreated} events (one or an
 *       array) and GCS Pub/Sub notifications.</li>
 * </ul>
 */
public final class WorkMessages {
    static final String MARKER = "stance_sync";

    private WorkMessages() {
    }

    /** What a message asks for. */
    public sealed interface Work permits SourceWork, ObjectWork {
    }

    /** Push a whole source; {@code continuation} counts the invocations before this one. */
    public record SourceWork(SourceSpec source, int continuation) implements Work {
    }

    /** Push the scan file an event named; {@code account} is the event's own, when it has one. */
    public record ObjectWork(String objectUri, String account) implements Work {
    }

    /** The decoded body: the work it asks for, none for an event to ignore. */
    public record Decoded(List<Work> work, String ignoredBecause) {
    }

    /** The message for {@code source}. */
    public static String source(SourceSpec source, int continuation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MARKER, "source");
        m.put("location", source.location().toString());
        m.put("account", source.accountId());
        m.put("provider", source.provider());
        m.put("continuation", continuation);
        return CanonicalJson.writeUnsorted(m);
    }

    /** Whether {@code body} is a message about a source (not a platform's event), without failing on any body. */
    public static boolean isSourceMessage(String body) {
        try {
            return JsonParser.parse(body) instanceof Map<?, ?> m && "source".equals(m.get(MARKER));
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with a body that is none of the accepted kinds */
    public static Decoded decode(String body) {
        Object parsed = JsonParser.parse(body);
        if (parsed instanceof List<?> events) {
            List<Work> work = new ArrayList<>();
            for (Object event : events) {
                work.addAll(eventGrid(event));
            }
            return new Decoded(work, work.isEmpty() ? "no BlobCreated event in the array" : null);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a work message must be a JSON object or an array of events");
        }
        if ("source".equals(m.get(MARKER))) {
            return new Decoded(List.of(sourceWork(m)), null);
        }
        if ("Notification".equals(m.get("Type")) && m.get("Message") instanceof String inner) {
            return decode(inner);
        }
        if ("s3:TestEvent".equals(m.get("Event"))) {
            return new Decoded(List.of(), "s3:TestEvent");
        }
        if (m.get("Records") instanceof List<?> records) {
            return s3Records(records);
        }
        if ("aws.s3".equals(m.get("source")) && m.get("detail") instanceof Map<?, ?> detail) {
            if (!"Object Created".equals(m.get("detail-type"))) {
                return new Decoded(List.of(), "EventBridge " + m.get("detail-type"));
            }
            String bucket = path(detail, "bucket", "name");
            String key = path(detail, "object", "key");
            return new Decoded(List.of(new ObjectWork("s3://" + bucket + "/" + key, text(m.get("account")))), null);
        }
        if (m.containsKey("eventType") && m.containsKey("data")) {
            List<Work> work = eventGrid(m);
            return new Decoded(work, work.isEmpty() ? "Event Grid " + m.get("eventType") : null);
        }
        if ("storage#object".equals(m.get("kind")) && m.get("bucket") instanceof String bucket
                && m.get("name") instanceof String name) {
            return new Decoded(List.of(new ObjectWork("gs://" + bucket + "/" + name, null)), null);
        }
        throw new IllegalArgumentException("not a work message: expected a stance_sync source message, an S3 event "
                + "notification, an EventBridge S3 event, an Event Grid BlobCreated event or a GCS notification");
    }

    private static SourceWork sourceWork(Map<?, ?> m) {
        String location = text(m.get("location"));
        String account = text(m.get("account"));
        if (location == null || account == null) {
            throw new IllegalArgumentException("a source message needs location and account");
        }
        StorageLocation parsed = StorageLocation.parse(location);
        String provider = text(m.get("provider"));
        int continuation = m.get("continuation") instanceof Number n ? n.intValue() : 0;
        return new SourceWork(SourceSpec.of(parsed, account, provider), continuation);
    }

    private static Decoded s3Records(List<?> records) {
        List<Work> work = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Object o : records) {
            if (!(o instanceof Map<?, ?> record)) {
                throw new IllegalArgumentException("an S3 event record is not an object");
            }
            String name = text(record.get("eventName"));
            if (name == null || !name.startsWith("ObjectCreated:")) {
                skipped.add(String.valueOf(name));
                continue;
            }
            if (!(record.get("s3") instanceof Map<?, ?> s3)) {
                throw new IllegalArgumentException("an S3 event record has no s3 object");
            }
            // S3 event keys are form-URL-encoded (a space arrives as '+').
            String key = URLDecoder.decode(path(s3, "object", "key"), StandardCharsets.UTF_8);
            work.add(new ObjectWork("s3://" + path(s3, "bucket", "name") + "/" + key, null));
        }
        return new Decoded(work, work.isEmpty() ? "S3 events " + skipped : null);
    }

    private static List<Work> eventGrid(Object event) {
        if (!(event instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("an Event Grid event is not an object");
        }
        if (!"Microsoft.Storage.BlobCreated".equals(m.get("eventType")) && !"Microsoft.Storage.BlobCreated".equals(m.get("type"))) {
            return List.of();
        }
        if (!(m.get("data") instanceof Map<?, ?> data) || text(data.get("url")) == null) {
            throw new IllegalArgumentException("a BlobCreated event has no data.url");
        }
        return List.of(new ObjectWork(text(data.get("url")), null));
    }

    private static String path(Map<?, ?> m, String outer, String inner) {
        if (m.get(outer) instanceof Map<?, ?> o && text(o.get(inner)) != null) {
            return text(o.get(inner));
        }
        throw new IllegalArgumentException("the event has no " + outer + "." + inner);
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }
}
