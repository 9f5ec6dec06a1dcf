package com.mantissa.stance.sync.model;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON object of one {@link FindingChange}, as a line of the change feed, an element of
 * {@code changes --json} and of a notification's {@code changes} carry it: keys {@code at},
 * {@code account}, {@code provider}, {@code id}, {@code change}, {@code severity},
 * {@code previous_severity}, {@code title}, {@code asset_id}, {@code snapshot} in that order
 * (absent values as null), then {@code reason} only when the resolve pass gave one.
 */
public final class FindingChangeJson {
    /** {@code at}: UTC, microseconds, with its offset written out ({@code +00:00}). */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx",
            Locale.ROOT);
    /** The severities from the highest down, for thresholds. */
    private static final List<String> RANK = List.of("critical", "high", "medium", "low", "info");

    private FindingChangeJson() {
    }

    public static Map<String, Object> toMap(FindingChange change) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", formatAt(change.at()));
        out.put("account", change.account());
        out.put("provider", change.provider());
        out.put("id", change.id());
        out.put("change", change.change().text());
        out.put("severity", change.severity());
        out.put("previous_severity", change.previousSeverity());
        out.put("title", change.title());
        out.put("asset_id", change.assetId());
        out.put("snapshot", change.snapshot());
        if (change.reason() != null) {
            out.put("reason", change.reason());
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException naming the field when the object is not a change
     */
    public static FindingChange fromMap(Map<String, Object> map) {
        return new FindingChange(parseAt(required(map, "at")), required(map, "account"), required(map, "provider"),
                required(map, "id"), FindingChange.Kind.of(required(map, "change")), text(map, "severity"),
                text(map, "previous_severity"), text(map, "title"), text(map, "asset_id"), text(map, "snapshot"),
                text(map, "reason"));
    }

    /** A push time as changes carry it: in UTC, to the microsecond. */
    public static OffsetDateTime pushTime(java.time.Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    public static String formatAt(OffsetDateTime at) {
        return AT.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }

    public static OffsetDateTime parseAt(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'at': not an ISO 8601 time with offset: '" + text + "'");
        }
    }

    /**
     * Whether {@code change} reaches {@code threshold} (a severity name): its severity does, or
     * for {@code severity_changed} its previous one does.
     */
    public static boolean reaches(FindingChange change, String threshold) {
        int limit = rank(threshold);
        if (limit < 0) {
            throw new IllegalArgumentException("unknown severity '" + threshold + "'; expected one of " + RANK);
        }
        int now = rank(change.severity());
        int before = change.change() == FindingChange.Kind.SEVERITY_CHANGED ? rank(change.previousSeverity()) : -1;
        return now >= 0 && now <= limit || before >= 0 && before <= limit;
    }

    /** The place of a severity from the highest (0: critical), -1 when it is none. */
    public static int rank(String severity) {
        return severity == null ? -1 : RANK.indexOf(severity.toLowerCase(Locale.ROOT));
    }

    private static String required(Map<String, Object> map, String field) {
        Object value = map.get(field);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "': expected a string, got "
                    + (value == null ? "nothing" : "'" + value + "'"));
        }
        return s;
    }

    private static String text(Map<String, Object> map, String field) {
        Object value = map.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("field '" + field + "': expected a string or null, got '" + value + "'");
        }
        return s;
    }
}
