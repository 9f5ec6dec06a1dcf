package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A producer file under the worker's resumable push: located once per kind, pushed whole even
 * when the budget is spent (a JSON document has no line to stop at), and, as a snapshot of the
 * account, the ground of the resolve pass of the push that finishes.
 */
class ProducerResumablePushTest {
    private static final String FILE = "prowler/output.ocsf.json";

    private final MemoryStore spoke = new MemoryStore();
    private final MemoryStore central = new MemoryStore();
    private final PushDescription description = PushDescription.of(SyncConfig.builder("central").batchSize(2)
            .build()).withResolve(new ResolveSettings(1.0, false));

    private void write(int findings) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < findings; i++) {
            events.add(detection("uid-" + i, "s3_bucket_public_read", "arn:aws:s3:::bucket-" + i));
        }
        spoke.writeRecord(FILE, pretty(events).getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
    }

    private ResumablePush.Outcome push(PushDescription push) {
        return Central.at(central, "aggregated").resumablePush(push)
                .run(spoke, "prowler/output.ocsf.json", "memory://spoke/prowler", ACCOUNT, "aws", Duration.ZERO);
    }

    private Map<String, String> statuses() {
        Map<String, String> statuses = new TreeMap<>();
        central.contents().forEach((key, bytes) -> {
            if (key.startsWith("aggregated/findings/")) {
                Map<String, Object> f = JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8));
                statuses.put((String) f.get("id"), (String) f.get("status"));
            }
        });
        return statuses;
    }

    @Test
    void aProducerFileIsLocatedOncePerKind() {
        write(1);
        List<ScanLocator.ScanFile> files = ScanLocator.locate(spoke, FILE, null, null);
        assertEquals(2, files.size(), files.toString());
        assertTrue(files.stream().allMatch(f -> f.format() == Format.OCSF && f.key().equals(FILE)), files.toString());
        assertEquals(List.of(Format.ASFF, Format.ASFF), ScanLocator.locate(spoke, FILE, null, Format.ASFF).stream()
                .map(ScanLocator.ScanFile::format).toList());
    }

    @Test
    void aSpentBudgetStillPushesTheWholeFileAndTheFinishingPushResolves() {
        write(5);
        ResumablePush.Outcome first = push(description);

        assertTrue(first.finished(), first.toString());
        assertTrue(first.result().success(), first.result().errors().toString());
        assertEquals(10, first.result().recordsSynced());
        assertEquals(5, statuses().size());
        assertEquals(5, central.contents().keySet().stream().filter(k -> k.startsWith("aggregated/assets/")).count());

        write(3);
        ResumablePush.Outcome second = push(description);

        assertTrue(second.finished() && second.result().success(), second.toString());
        assertEquals(Map.of("uid-0", "open", "uid-1", "open", "uid-2", "open", "uid-3", "resolved", "uid-4", "resolved"),
                statuses());
        assertEquals(3, central.contents().keySet().stream().filter(k -> k.startsWith("aggregated/assets/")).count());
    }
}
