package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.wire.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message the fan-out, {@code stance-sync enqueue} and a push that ran out of time send
 * about one source; {@link EventDecoder} reads it, with every platform event a queue may carry:
 * <pre>{"stance_sync": "source", "location": "s3://spoke/stance", "account": "123456789012",
 *  "provider": "aws", "continuation": 0}</pre>
 * and, for a source whose files are read as a given format, {@code "format": "ocsf"}.
 */
public final class WorkMessages {

    private WorkMessages() {
    }

    /** The message for {@code source}; {@code continuation} counts the invocations before the one it asks for. */
    public static String source(SourceSpec source, int continuation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(EventDecoder.MARKER, "source");
        m.put("location", source.location().toString());
        m.put("account", source.accountId());
        m.put("provider", source.provider());
        if (source.format() != null) {
            m.put("format", source.format().value());
        }
        m.put("continuation", continuation);
        return CanonicalJson.writeUnsorted(m);
    }
}
