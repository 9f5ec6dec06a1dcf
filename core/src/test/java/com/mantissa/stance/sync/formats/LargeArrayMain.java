package com.mantissa.stance.sync.formats;

import com.mantissa.stance.sync.testing.GeneratedInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run in a child JVM with a small heap by {@link LargeArrayTest}: streams a generated OCSF array
 * several times the heap's size (never held anywhere: generated as it is read) through
 * {@link ProducerRecords} and prints what it counted.
 */
public final class LargeArrayMain {
    static final int RESOURCES = 1000;

    private LargeArrayMain() {
    }

    public static void main(String[] args) throws IOException {
        long targetBytes = Long.parseLong(args[0]);
        int badElement = Integer.parseInt(args[1]);
        GeneratedArray in = new GeneratedArray(targetBytes, badElement);
        long findings = 0;
        long assets = 0;
        long errors = 0;
        String firstError = "";
        try (ProducerRecords records = ProducerRecords.open(in, "large.ocsf.json", null,
                ProducerDocuments.ACCOUNT, "aws")) {
            while (records.hasNext()) {
                ProducerRecord r = records.next();
                if (r.isError()) {
                    errors++;
                    if (firstError.isEmpty()) {
                        firstError = r.error();
                    }
                } else if (r.kind() == ProducerRecord.Kind.FINDING) {
                    findings++;
                } else {
                    assets++;
                }
            }
        }
        System.out.println("bytes=" + in.produced() + " heap=" + Runtime.getRuntime().maxMemory() + " elements="
                + in.elements + " findings=" + findings + " assets=" + assets + " errors=" + errors);
        System.out.println("error=" + firstError);
    }

    /** {@code [e1,e2,...]} made element by element as it is read. */
    static final class GeneratedArray extends GeneratedInput {
        private final long targetBytes;
        private final int badElement;
        private final String template;
        int elements;
        private boolean opened;
        private boolean closed;

        GeneratedArray(long targetBytes, int badElement) {
            this.targetBytes = targetBytes;
            this.badElement = badElement;
            Map<String, Object> doc = ProducerDocuments.detection("UID", "s3_bucket_public_read", "RESOURCE");
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) doc.get("finding_info");
            info.put("desc", "x".repeat(1500));
            template = ProducerDocuments.json(doc);
        }

        @Override
        protected byte[] next() {
            if (!opened) {
                opened = true;
                return "[".getBytes(StandardCharsets.UTF_8);
            }
            if (closed) {
                return null;
            }
            if (produced() >= targetBytes) {
                closed = true;
                return "]".getBytes(StandardCharsets.UTF_8);
            }
            elements++;
            String element = template.replace("\"UID\"", "\"uid-" + elements + "\"")
                    .replace("\"RESOURCE\"", "\"arn:aws:s3:::bucket-" + (elements % RESOURCES) + "\"");
            if (elements == badElement) {
                element = element.replace("\"time_dt\":\"", "\"time_dt\":\"not a time ");
            }
            return ((elements > 1 ? ",\n" : "") + element).getBytes(StandardCharsets.UTF_8);
        }
    }
}
