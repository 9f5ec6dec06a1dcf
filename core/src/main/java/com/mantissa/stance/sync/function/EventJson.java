package com.mantissa.stance.sync.function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Plain JSON for the functions: reading platform event payloads and writing log lines. This is
 * deliberately not the Python-compatible wire format, which exists to reproduce the original's
 * record bytes and checksums; events and logs only need ordinary JSON.
 */
public final class EventJson {
    /**
     * Jackson's databind, for values a platform already decoded only ({@link #tree}), built on
     * first use: log lines are written with the streaming generator alone, and payloads are read
     * into a tree by the streaming parser ({@link #parse}), because building an ObjectMapper
     * loads some 300 classes, a large part of a cold invocation (a GCS or Event Grid event
     * arrives as JSON text and is the only JSON the function reads with a tree).
     */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * One line with a space after each colon and comma ({@code {"a": 1, "b": 2}}), the layout
     * the log lines have always had, so that a grep for {@code "records_synced": 100} keeps working.
     */
    private static final DefaultPrettyPrinter ONE_LINE = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEntrySpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter());

    private EventJson() {
    }

    /** @throws MalformedEventException when {@code json} is not one JSON value */
    public static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("event payload is empty");
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            return read(parser, parser.nextToken());
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event payload is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an event payload from memory", e);
        }
    }

    /**
     * The value starting at {@code token}, as the tree ObjectMapper's readTree builds it (the
     * last of duplicate names wins; integers as int, long or BigInteger nodes by size; other
     * numbers as double nodes), so that a payload reads the same as before.
     */
    private static JsonNode read(JsonParser parser, JsonToken token) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (token == null) {
            return MissingNode.getInstance();
        }
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    object.replace(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return nodes.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> nodes.numberNode(parser.getIntValue());
                    case LONG -> nodes.numberNode(parser.getLongValue());
                    default -> nodes.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return nodes.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> throw new MalformedEventException("event payload is not valid JSON: unexpected " + token);
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
        return Mapper.INSTANCE.valueToTree(value);
    }

    /** One line of JSON (maps with string keys, collections, strings, numbers, booleans, null). */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.setPrettyPrinter(new DefaultPrettyPrinter(ONE_LINE));
            writeValue(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException("a log entry could not be written as JSON", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Boolean flag) {
            generator.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double number) {
            generator.writeNumber(number);
        } else if (value instanceof Float number) {
            generator.writeNumber(number);
        } else if (value instanceof BigDecimal number) {
            generator.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            generator.writeNumber(number);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            generator.writeStartArray();
            for (Object item : items) {
                writeValue(generator, item);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalArgumentException("a log line holds no " + value.getClass().getName());
        }
    }
}
