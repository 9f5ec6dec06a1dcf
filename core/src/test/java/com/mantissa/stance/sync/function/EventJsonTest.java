package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log lines are written by the streaming generator, and payloads read by the streaming parser,
 * without databind (a cold start cost); they must stay byte for byte what databind's writer with
 * the same one-line printer wrote before, and the very tree databind's reader built.
 */
class EventJsonTest {

    private static String databind(Object value) throws Exception {
        return new ObjectMapper().writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEntrySpacing(Separators.Spacing.AFTER)
                        .withArrayValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
                .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter())).writeValueAsString(value);
    }

    @Test
    void aLogLineIsWhatDatabindWrote() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", false);
        result.put("records_synced", 100L);
        result.put("records_skipped", 0);
        result.put("errors", List.of("line 3 of \"f.jsonl\": bad \\ value\u0001 é 😀", "second"));
        result.put("duration_seconds", 0.12345678901);
        result.put("sync_direction", "push");
        result.put("nothing", null);
        result.put("empty", Map.of());
        result.put("none", List.of());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", "ERROR");
        line.put("objects", List.of("s3://b/k"));
        line.put("result", result);
        line.put("big", 1e300);
        line.put("small", -2.5e-7);

        String written = EventJson.write(line);

        assertEquals(databind(line), written);
        assertEquals("{\"severity\": \"ERROR\", \"objects\": [\"s3://b/k\"], \"result\": {\"success\": false, ",
                written.substring(0, written.indexOf("\"records_synced\"")));
    }

    @Test
    void aPayloadReadsAsTheTreeDatabindRead() throws Exception {
        List<String> payloads = List.of(
                "{\"specversion\": \"1.0\", \"data\": {\"bucket\": \"b\", \"name\": \"a/findings.jsonl\","
                        + " \"size\": \"1024\", \"generation\": 1764061200000001, \"metageneration\": 1,"
                        + " \"big\": 123456789012345678901234567890, \"ratio\": 0.25, \"tiny\": -2.5e-7,"
                        + " \"whole\": 3.0, \"on\": true, \"off\": false, \"none\": null,"
                        + " \"text\": \"\\u00e9 \\\"quoted\\\" \\n 😀\", \"empty\": {}, \"nothing\": []}}",
                "[{\"eventType\": \"Microsoft.Storage.BlobCreated\", \"data\": {\"url\": \"https://a/c/b\"}},"
                        + " [1, [2, []], {\"k\": [null]}], \"s\", -7, 2147483648, -9223372036854775809]",
                "{\"id\": \"first\", \"id\": \"last\"}",
                "{\"a\": 1} trailing",
                "\"just a string\"",
                "null",
                "42");
        for (String payload : payloads) {
            assertEquals(new ObjectMapper().readTree(payload), EventJson.parse(payload), payload);
        }
        assertEquals("last", EventJson.parse("{\"id\": \"first\", \"id\": \"last\"}").get("id").asText());
        assertEquals(java.math.BigInteger.class, EventJson.parse("[123456789012345678901234567890]").get(0)
                .numberValue().getClass());
    }

    @Test
    void aPayloadThatIsNotJsonIsMalformed() {
        for (String payload : List.of("{\"a\": }", "{\"a\": 1", "[1, 2", "{a: 1}", "nope", "{\"a\": 1]", " ")) {
            MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventJson.parse(payload),
                    payload);
            assertTrue(e.getMessage().startsWith("event payload is"), e.getMessage());
        }
    }

    @Test
    void aValueALogLineCannotHoldIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EventJson.write(Map.of("when", new Object())));
    }
}
