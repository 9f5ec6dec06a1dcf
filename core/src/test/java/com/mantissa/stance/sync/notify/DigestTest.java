package com.mantissa.stance.sync.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChange.Kind;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 3, 4, 5, 6, 0, 0, ZoneOffset.UTC);

    static FindingChange change(String id, Kind kind, String severity, String previous) {
        return new FindingChange(AT, "111122223333", "aws", id, kind, severity, previous, "title of " + id,
                "asset-" + id, "snap-1", kind == Kind.RESOLVED ? "missing from the snapshot" : null);
    }

    private static Digest digest(List<FindingChange> changes, String threshold) {
        return Digest.of("111122223333", "aws", "snap-1", "push-abc", changes, SeverityThreshold.of(threshold));
    }

    @Test
    void onlyChangesReachingTheThresholdAreToldAndASeverityChangeCountsByEitherSide() {
        List<FindingChange> changes = List.of(
                change("a", Kind.OPENED, "critical", null),
                change("b", Kind.OPENED, "medium", null),
                change("c", Kind.SEVERITY_CHANGED, "low", "critical"),
                change("d", Kind.SEVERITY_CHANGED, "high", "low"),
                change("e", Kind.SEVERITY_CHANGED, "medium", "low"),
                change("f", Kind.RESOLVED, "high", null),
                change("g", Kind.REOPENED, "info", null));

        Digest digest = digest(changes, "high");

        assertEquals(List.of("a", "c", "d", "f"), digest.changes().stream().map(FindingChange::id).toList());
        assertEquals(Map.of("opened", 1, "reopened", 0, "resolved", 1, "severity_changed", 2), digest.counts());
        assertEquals(7, digest(changes, "info").changes().size());
        assertEquals(List.of("a", "c"), digest(changes, "critical").changes().stream().map(FindingChange::id).toList());
    }

    @Test
    void noChangeReachingTheThresholdMeansNoMessage() {
        Digest digest = digest(List.of(change("b", Kind.OPENED, "medium", null)), "high");

        assertTrue(digest.isEmpty());
        assertEquals(List.of(), digest.messages(1000));
        assertEquals(List.of(), digest(List.of(), "info").messages(1000));
    }

    @Test
    void aMessageCarriesTheDocumentedFields() throws Exception {
        List<String> messages = digest(List.of(change("z", Kind.RESOLVED, "high", null),
                change("y", Kind.SEVERITY_CHANGED, "critical", "medium")), "high").messages(262_144);

        assertEquals(1, messages.size());
        JsonNode m = JSON.readTree(messages.get(0));
        assertEquals(List.of("version", "account", "provider", "snapshot", "push", "counts", "changes", "part", "parts"),
                fieldNames(m));
        assertEquals(1, m.get("version").asInt());
        assertEquals("111122223333", m.get("account").asText());
        assertEquals("aws", m.get("provider").asText());
        assertEquals("snap-1", m.get("snapshot").asText());
        assertEquals("push-abc", m.get("push").asText());
        assertEquals(1, m.get("part").asInt());
        assertEquals(1, m.get("parts").asInt());
        assertEquals(1, m.get("counts").get("resolved").asInt());
        assertEquals(1, m.get("counts").get("severity_changed").asInt());
        assertEquals(0, m.get("counts").get("opened").asInt());
        JsonNode first = m.get("changes").get(0);
        assertEquals(List.of("at", "account", "provider", "id", "change", "severity", "previous_severity", "title",
                "asset_id", "snapshot"), fieldNames(first));
        assertEquals("y", first.get("id").asText());
        assertEquals("severity_changed", first.get("change").asText());
        assertEquals("medium", first.get("previous_severity").asText());
        assertEquals("2026-03-04T05:06:00.000000+00:00", first.get("at").asText());
        JsonNode second = m.get("changes").get(1);
        assertEquals("z", second.get("id").asText());
        assertTrue(second.get("previous_severity").isNull());
        assertEquals("missing from the snapshot", second.get("reason").asText());
    }

    @Test
    void aLargeDigestIsSplitIntoNumberedPartsEachWithinTheLimitAndTogetherCarryingEveryChangeOnce() throws Exception {
        List<FindingChange> changes = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            changes.add(change(String.format("finding-%05d", i), i % 2 == 0 ? Kind.OPENED : Kind.RESOLVED, "high", null));
        }
        int limit = 49_152;

        List<String> messages = digest(changes, "high").messages(limit);

        assertTrue(messages.size() > 1, "expected several parts, got " + messages.size());
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < messages.size(); k++) {
            String text = messages.get(k);
            assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= limit, "part " + (k + 1) + " is over the limit");
            JsonNode m = JSON.readTree(text);
            assertEquals(k + 1, m.get("part").asInt());
            assertEquals(messages.size(), m.get("parts").asInt());
            assertEquals(1500, m.get("counts").get("opened").asInt(), "counts are the whole digest's in every part");
            m.get("changes").forEach(c -> ids.add(c.get("id").asText()));
        }
        assertEquals(changes.stream().map(FindingChange::id).sorted().toList(), ids);
        // Parts are filled: all but the last would overflow with the next part's first change.
        String firstPart = messages.get(0);
        assertTrue(firstPart.getBytes(StandardCharsets.UTF_8).length > limit - 400, "first part holds too little");
    }

    @Test
    void aChangeTooLargeForAMessageAloneHasItsTitleShortenedAndSaysSo() throws Exception {
        String title = "\u2603".repeat(40_000) + "\"quoted\"";
        FindingChange big = new FindingChange(AT, "111122223333", "aws", "big", Kind.OPENED, "critical", null, title,
                "asset", "snap-1", null);
        int limit = 49_152;

        List<String> messages = digest(List.of(big, change("small", Kind.OPENED, "high", null)), "high").messages(limit);

        assertEquals(2, messages.size());
        JsonNode shortened = JSON.readTree(messages.get(0)).get("changes").get(0);
        assertTrue(messages.get(0).getBytes(StandardCharsets.UTF_8).length <= limit);
        assertEquals("big", shortened.get("id").asText());
        assertTrue(shortened.get("title_truncated").asBoolean());
        String kept = shortened.get("title").asText();
        assertTrue(kept.endsWith("…") && title.startsWith(kept.substring(0, kept.length() - 1)), kept.substring(0, 20));
        assertTrue(kept.length() > 10_000, "shortened far more than needed: " + kept.length());
        assertFalse(JSON.readTree(messages.get(1)).get("changes").get(0).has("title_truncated"));
    }

    @Test
    void aChangeThatCannotFitEvenWithoutItsTitleIsRefused() {
        FindingChange hugeId = new FindingChange(AT, "111122223333", "aws", "x".repeat(5000), Kind.OPENED, "high", null,
                "t", "asset", "snap-1", null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> digest(List.of(hugeId), "high").messages(2000));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void anUnknownSeverityIsRefusedNamingTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeverityThreshold.of("severe"));
        assertTrue(e.getMessage().contains("critical, high, medium, low, info"), e.getMessage());
        assertEquals("high", SeverityThreshold.of(" HIGH ").severity());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
