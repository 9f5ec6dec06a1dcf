package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.push.CentralRecordCodec;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times the steps every new record of a push goes through, one thread, JIT warm: parse the
 * line, normalise it into the model, canonical JSON and its SHA-256, the central path. What a
 * push spends beyond their sum is its own (reading, the index, the store, the tallies).
 * Not a test: {@code java -cp core/target/stance-sync-core-0.1.0-SNAPSHOT-tests.jar:core/target/stance-sync.jar
 * com.mantissa.stance.sync.engine.RecordStepTiming <findings.jsonl>}.
 */
public final class RecordStepTiming {
    private RecordStepTiming() {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        char[][] text = new char[lines.size()][];
        for (int i = 0; i < text.length; i++) {
            text[i] = lines.get(i).toCharArray();
        }
        long sink = 0;
        for (int round = 1; round <= 40; round++) {
            long parse = 0;
            long normalise = 0;
            long content = 0;
            long path = 0;
            for (char[] line : text) {
                long t0 = System.nanoTime();
                @SuppressWarnings("unchecked")
                Map<String, Object> raw = (Map<String, Object>) JsonParser.parse(line, line.length);
                long t1 = System.nanoTime();
                Map<String, Object> model = RecordKind.FINDING.normalise(raw);
                long t2 = System.nanoTime();
                CentralRecordCodec.Content c = CentralRecordCodec.Content.of(model);
                long t3 = System.nanoTime();
                String p = RecordKind.FINDING.path("aggregated", "123456789012", (String) model.get("id"));
                long t4 = System.nanoTime();
                parse += t1 - t0;
                normalise += t2 - t1;
                content += t3 - t2;
                path += t4 - t3;
                sink += c.checksum().length() + p.length();
            }
            if (round % 10 == 0) {
                double n = text.length * 1000.0;
                System.out.printf(Locale.ROOT, "round %d, µs per record: parse %.2f, normalise %.2f, canonical JSON + SHA-256 %.2f,"
                        + " path %.2f, sum %.2f%n", round, parse / n, normalise / n, content / n, path / n,
                        (parse + normalise + content + path) / n);
            }
        }
        System.out.println(sink > 0 ? "" : "(nothing timed)");
    }
}
