package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker's source push cost is in its log line and in the worker's totals, by kind of request. */
class QueueWorkerCostTest {

    @Test
    void aSourcePushLogsTheCentralRequestsItMadeByKindAndTheSummaryAddsThemUp(@TempDir Path dir) throws IOException {
        Path spoke = Files.createDirectories(dir.resolve("spoke"));
        Files.write(spoke.resolve("findings.jsonl"), VisibleVectors.scanFile("findings.jsonl"));
        Path central = Files.createDirectories(dir.resolve("central"));
        FunctionSettings settings = FunctionSettings.fromEnvironment(
                Map.of(FunctionSettings.CENTRAL_URI, central.toUri().toString()));
        StringWriter log = new StringWriter();
        QueueWorker worker = new QueueWorker(settings, null,
                new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(log));
        String body = WorkMessages.source(new SourceSpec(StorageLocation.parse(spoke.toUri().toString()), "acct-1",
                "aws"), 0);

        worker.process(Map.of("m1", body));

        List<String> lines = log.toString().lines().toList();
        assertEquals(1, lines.size(), log.toString());
        Map<String, Object> line = JsonParser.parseObject(lines.get(0));
        long synced = ((Number) ((Map<?, ?>) line.get("result")).get("records_synced")).longValue();
        Map<?, ?> requests = (Map<?, ?>) line.get("requests");
        assertNotNull(requests, "no requests in " + line);
        // Each new record is one create-if-absent; the push index and the account status add theirs.
        assertTrue(((Number) requests.get("conditional_writes")).longValue() >= synced, line.toString());
        Map<String, Object> summary = worker.summary().toMap();
        assertEquals(requests, summary.get("requests"), summary.toString());
    }
}
