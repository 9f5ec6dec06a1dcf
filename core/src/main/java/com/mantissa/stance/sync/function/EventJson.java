package com.mantissa.stance.sync.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Plain JSON for the functions: reading platform event payloads and writing log lines. This is
 * deliberately not the Python-compatible wire format, which exists to reproduce the original's
 * record bytes and checksums; events and logs only need ordinary JSON.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * One line with a space after each colon and comma ({@code {"a": 1, "b": 2}}), the layout
     * the log lines have always had, so that a grep for {@code "records_synced": 100} keeps working.
     */
    private static final ObjectWriter LINE_WRITER = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEntrySpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter()));

    private EventJson() {
    }

    /** @throws MalformedEventException when {@code json} is not one JSON value */
    public static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("event payload is empty");
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event payload is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@link #parse(String)}, for a payload that must be a JSON object. */
    public static JsonNode parseObject(String json) {
        JsonNode node = parse(json);
        if (!node.isObject()) {
            throw new MalformedEventException("event payload is not a JSON object");
        }
        return node;
    }

    /**
     * The non-empty string at a dotted {@code path} ("detail.bucket.name").
     *
     * @throws MalformedEventException naming the path when it is missing, empty or not a string
     */
    public static String text(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedEventException(path + " is missing or not a string");
        }
        return value.asText();
    }

    /** The string at {@code path}, or null when it is missing or not a string. */
    public static String optionalText(JsonNode node, String path) {
        JsonNode value = at(node, path);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static JsonNode at(JsonNode node, String path) {
        JsonNode current = node == null ? MissingNode.getInstance() : node;
        for (String name : path.split("\\.")) {
            current = current.path(name);
        }
        return current;
    }

    /** A value the platform already decoded (a map of maps), as a tree to read with {@link #text}. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** One line of JSON (maps, lists, strings, numbers, booleans, null). */
    static String write(Object value) {
        try {
            return LINE_WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log entry could not be written as JSON", e);
        }
    }
}
