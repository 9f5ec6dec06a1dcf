package com.mantissa.stance.sync.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A findings.jsonl built to hurt, pushed through every handler: malformed
 * JSON, wrong types, invalid enums, ids built to leave the central prefix, a control character,
 * look-alike slashes and a 1 MB line. Good lines must sync; every bad line must be one error
 * naming the file and its line; nothing may appear outside {@code {prefix}/findings/<md5>/<account>/}.
 */
public final class HostileScan {
    /** Lines 1, 9, 10 and 13 are valid findings; every other line is bad. */
    public static final List<Integer> BAD_LINES = List.of(2, 3, 4, 5, 6, 7, 8, 11, 12);
    public static final int GOOD = 4;

    private HostileScan() {
    }

    public static byte[] findings() {
        String big = "x".repeat(1024 * 1024);
        return String.join("\n",
                "{\"id\": \"hostile-good-1\", \"severity\": \"HIGH\"}",
                "not json at all",
                "{\"id\": 42}",
                "{\"id\": \"hostile-sev\", \"severity\": [\"high\"]}",
                "{\"id\": \"../../../escape\"}",
                "{\"id\": \"/etc/passwd\"}",
                "{\"id\": \"..\\\\..\\\\windows\"}",
                "{\"id\": \"nul\\u0000byte\"}",
                "{\"id\": \"division\\u2215..\\u2215slash\"}",
                "{\"id\": \"hostile-big\", \"description\": \"" + big + "\"}",
                "{\"id\": \"hostile-status\", \"status\": \"closed\"}",
                "[1, 2]",
                "{\"id\": \"hostile-good-2\", \"compliance_frameworks\": [\"CIS 1.2\"]}")
                .concat("\n").getBytes(StandardCharsets.UTF_8);
    }

    /** One error per bad line, in line order, each naming the file and the line. */
    public static void assertErrors(List<?> errors) {
        assertEquals(BAD_LINES.size(), errors.size(), errors.toString());
        for (int i = 0; i < BAD_LINES.size(); i++) {
            String error = String.valueOf(errors.get(i));
            assertTrue(error.contains("findings.jsonl line " + BAD_LINES.get(i) + ": "),
                    "error " + i + " names findings.jsonl line " + BAD_LINES.get(i) + ": " + error);
        }
    }

    /**
     * Exactly the good records, each directly inside its account folder under the prefix; the
     * only other key a push may keep is its account's own push index under {@code _state/}.
     */
    public static void assertOnlyGoodRecords(StorageAdapter central, String prefix, String account) {
        String ownState = prefix + "/_state/" + account + "/";
        String ownFeed = prefix + "/_changes/" + account + "/";
        List<String> keys = central.listRecords("").stream()
                .filter(k -> !k.startsWith(ownState) && !k.startsWith(ownFeed)).toList();
        assertEquals(GOOD, keys.size(), keys.toString());
        for (String key : keys) {
            assertTrue(key.matches(java.util.regex.Pattern.quote(prefix + "/findings/") + "[0-9a-f]{4}/"
                    + java.util.regex.Pattern.quote(account) + "/[^/]+\\.json"), "outside its folder: " + key);
        }
    }
}
