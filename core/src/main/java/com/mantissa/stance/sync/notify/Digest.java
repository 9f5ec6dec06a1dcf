package com.mantissa.stance.sync.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One push's changes at or above a severity, as the messages that tell them:
 * <pre>{@code
 * {"version": 1, "account": "...", "provider": "...", "snapshot": "...", "push": "...",
 *  "counts": {"opened": n, "reopened": n, "resolved": n, "severity_changed": n},
 *  "changes": [{"at", "account", "provider", "id", "change", "severity", "previous_severity",
 *               "title", "asset_id", "snapshot"[, "reason"]}, ...],
 *  "part": k, "parts": n}
 * }</pre>
 * {@code counts} are the whole digest's, the same in every part; {@code changes} are ordered by
 * finding id and split over as few parts as keep each message within the target's limit. A change
 * too large for a message on its own has its title shortened (ending in "…", with
 * {@code "title_truncated": true}); nothing else is ever cut.
 */
public final class Digest {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Widest part numbers, so a part measured before numbering never grows past the limit when numbered. */
    private static final int WIDEST_NUMBER = Integer.MAX_VALUE;
    private static final String ELLIPSIS = "…";

    private final String account;
    private final String provider;
    private final String snapshot;
    private final String push;
    private final List<FindingChange> changes;

    private Digest(String account, String provider, String snapshot, String push, List<FindingChange> changes) {
        this.account = Objects.requireNonNull(account, "account");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.snapshot = snapshot;
        this.push = push;
        this.changes = changes;
    }

    /** The digest of {@code changes} that reach {@code threshold}; the others are left out. */
    public static Digest of(String account, String provider, String snapshot, String push, List<FindingChange> changes,
                            SeverityThreshold threshold) {
        List<FindingChange> told = new ArrayList<>();
        for (FindingChange c : changes) {
            if (threshold.reaches(c)) {
                told.add(c);
            }
        }
        told.sort(Comparator.comparing(FindingChange::id).thenComparing(FindingChange::change));
        return new Digest(account, provider, snapshot, push, List.copyOf(told));
    }

    /** Whether nothing reached the threshold: then nothing is sent. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes told, in the order the messages carry them. */
    public List<FindingChange> changes() {
        return changes;
    }

    /** How many changes of each kind are told, every kind named. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FindingChange.Kind kind : FindingChange.Kind.values()) {
            counts.put(kind.text(), 0);
        }
        for (FindingChange c : changes) {
            counts.merge(c.change().text(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The messages, each at most {@code maxBytes} bytes of UTF-8; none when the digest is empty.
     *
     * @throws IllegalArgumentException when even one change with an empty title does not fit
     */
    public List<String> messages(int maxBytes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        int overhead = size(envelope(List.of(), WIDEST_NUMBER, WIDEST_NUMBER));
        int room = maxBytes - overhead;
        List<List<ObjectNode>> parts = new ArrayList<>();
        List<ObjectNode> current = new ArrayList<>();
        int used = 0;
        for (FindingChange c : changes) {
            ObjectNode node = fitting(c, room);
            int bytes = size(node) + (current.isEmpty() ? 0 : 1); // the comma between array elements
            if (!current.isEmpty() && used + bytes > room) {
                parts.add(current);
                current = new ArrayList<>();
                bytes = size(node);
                used = 0;
            }
            current.add(node);
            used += bytes;
        }
        parts.add(current);
        List<String> messages = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            messages.add(text(envelope(parts.get(i), i + 1, parts.size())));
        }
        return messages;
    }

    private ObjectNode envelope(List<ObjectNode> partChanges, int part, int parts) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("account", account);
        o.put("provider", provider);
        o.put("snapshot", snapshot);
        o.put("push", push);
        ObjectNode counts = o.putObject("counts");
        counts().forEach(counts::put);
        o.putArray("changes").addAll(partChanges);
        o.put("part", part);
        o.put("parts", parts);
        return o;
    }

    /** The change as JSON, its title shortened when the change alone would not fit in {@code room} bytes. */
    private static ObjectNode fitting(FindingChange c, int room) {
        ObjectNode node = json(c, c.title(), false);
        int over = size(node) - room;
        if (over <= 0) {
            return node;
        }
        String title = c.title() == null ? "" : c.title();
        byte[] titleBytes = title.getBytes(StandardCharsets.UTF_8);
        // Escapes in JSON can make a character cost more than its UTF-8 bytes: shorten until it fits.
        int keep = Math.max(0, titleBytes.length - over - 64);
        while (true) {
            String shortened = prefix(title, keep) + ELLIPSIS;
            node = json(c, shortened, true);
            if (size(node) <= room) {
                return node;
            }
            if (keep == 0) {
                throw new IllegalArgumentException("change " + c.change().text() + " of finding " + c.id()
                        + " does not fit in a message of " + room + " bytes even without its title");
            }
            keep = Math.max(0, keep - Math.max(64, size(node) - room));
        }
    }

    /** The longest prefix of {@code s} of at most {@code bytes} UTF-8 bytes, never splitting a character. */
    private static String prefix(String s, int bytes) {
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > bytes) {
                break;
            }
            used += len;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** A change as the change feed and {@code changes --json} write it, then the truncation mark. */
    static ObjectNode json(FindingChange c, String title, boolean titleTruncated) {
        FindingChange told = new FindingChange(c.at(), c.account(), c.provider(), c.id(), c.change(), c.severity(),
                c.previousSeverity(), title, c.assetId(), c.snapshot(), c.reason());
        ObjectNode o = JSON.valueToTree(FindingChangeJson.toMap(told));
        if (titleTruncated) {
            o.put("title_truncated", true);
        }
        return o;
    }

    private static int size(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a digest", e);
        }
    }

    private static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a digest", e);
        }
    }
}
