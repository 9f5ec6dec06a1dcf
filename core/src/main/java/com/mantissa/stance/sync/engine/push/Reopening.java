package com.mantissa.stance.sync.engine.push;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finding central holds as resolved that a snapshot reports open again is written open, with
 * {@code _reopened_at} (when) and without the resolve pass's {@code _resolved_reason} and
 * {@code _resolved_at}: the written record is the snapshot's, whose only {@code _} keys are the
 * engine's head, so the {@code _resolved_*} keys go with central's old record. The {@code _} keys
 * stay outside the checksum.
 */
final class Reopening {
    static final String REOPENED_AT = "_reopened_at";

    private Reopening() {
    }

    /** Whether writing {@code content} over {@code central} reopens a resolved finding. */
    static boolean reopens(Map<String, Object> central, Map<String, Object> content) {
        return "resolved".equals(central.get("status")) && "open".equals(content.get("status"));
    }

    /** {@code content} with {@code _reopened_at}; the model's keys and so its checksum unchanged. */
    static Map<String, Object> reopened(Map<String, Object> content, String at) {
        Map<String, Object> out = new LinkedHashMap<>(content);
        out.put(REOPENED_AT, at);
        return out;
    }
}
