package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker tells: what each source push cost, by kind of request; its progress; and, when
 * quiet, only its errors.
 */
class QueueWorkerReportTest {

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

    @Test
    void progressCountsOnAcrossTheSourcesAWorkerPushes(@TempDir Path dir) throws IOException {
        Path central = Files.createDirectories(dir.resolve("central"));
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.CENTRAL_URI,
                central.toUri().toString(), "STANCE_BATCH_SIZE", "10"));
        QueueWorker worker = new QueueWorker(settings, null,
                new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(new StringWriter()));
        List<Long> done = new ArrayList<>();
        worker.progress((records, total) -> done.add(records));
        Map<String, String> bodies = new LinkedHashMap<>();
        for (String account : List.of("acct-1", "acct-2")) {
            Path spoke = Files.createDirectories(dir.resolve(account));
            Files.write(spoke.resolve("findings.jsonl"), VisibleVectors.scanFile("findings.jsonl"));
            bodies.put(account, WorkMessages.source(new SourceSpec(StorageLocation.parse(spoke.toUri().toString()),
                    account, "aws"), 0));
        }

        worker.process(bodies);

        long pushed = worker.summary().result().recordsSynced();
        assertEquals(80, pushed);
        assertEquals(pushed, done.get(done.size() - 1), done.toString());
        assertTrue(done.size() >= 8, "a report per batch of 10: " + done);
        for (int i = 1; i < done.size(); i++) {
            assertTrue(done.get(i) >= done.get(i - 1), "the second source counts on: " + done);
        }
    }

    @Test
    void aQuietWorkerLogsNoInfoLinesButItsErrors(@TempDir Path dir) throws IOException {
        Path spoke = Files.createDirectories(dir.resolve("spoke"));
        Files.write(spoke.resolve("findings.jsonl"), VisibleVectors.scanFile("findings.jsonl"));
        FunctionSettings settings = FunctionSettings.fromEnvironment(
                Map.of(FunctionSettings.CENTRAL_URI, dir.resolve("central").toUri().toString()));
        StringWriter log = new StringWriter();
        QueueWorker worker = new QueueWorker(settings, null,
                new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(log)).quiet(true);
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("m1", WorkMessages.source(new SourceSpec(StorageLocation.parse(spoke.toUri().toString()), "acct-1",
                "aws"), 0));
        bodies.put("m2", "not json");

        worker.process(bodies);

        List<String> lines = log.toString().lines().toList();
        assertEquals(1, lines.size(), log.toString());
        assertTrue(lines.get(0).contains("\"severity\": \"ERROR\"") && lines.get(0).contains("message m2: 1 error(s)"),
                lines.get(0));
        assertEquals(40, worker.summary().result().recordsSynced());
    }
}
