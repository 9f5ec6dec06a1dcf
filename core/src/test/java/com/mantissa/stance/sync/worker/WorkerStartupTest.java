package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up every queue-triggered handler shares, on a folder central (the work queue is never reached). */
class WorkerStartupTest {
    /** A queue URI whose adapter connects on first use only: no message is sent to it here. */
    private static final String QUEUE = "azq://devstoreaccount1/never-used";

    private record Line(LogEntry.Severity severity, String json) {
    }

    private static BatchOutcome.LogSink into(List<Line> lines) {
        return (severity, json) -> lines.add(new Line(severity, json));
    }

    @Test
    void aMisconfiguredWorkerIsOneErrorLineAndAcknowledges() {
        WorkerStartup startup = new WorkerStartup(Map.of(FunctionSettings.CENTRAL_URI, "s3://central"), null);
        List<Line> lines = new ArrayList<>();

        Set<String> redeliver = startup.process(Map.of("m1", "{}", "m2", "{}"), Duration.ofMinutes(1), into(lines));

        assertEquals(Set.of(), redeliver);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(LogEntry.Severity.ERROR, lines.get(0).severity());
        assertTrue(lines.get(0).json().contains("configuration") && lines.get(0).json().contains("STANCE_WORK_QUEUE"),
                lines.get(0).json());
        assertEquals("ERROR", EventJson.parse(lines.get(0).json()).get("severity").asText());
    }

    @Test
    void aBadTimeBudgetIsAConfigurationErrorToo(@TempDir Path dir) {
        WorkerStartup startup = new WorkerStartup(Map.of(FunctionSettings.CENTRAL_URI, dir.toUri().toString(),
                "STANCE_WORK_QUEUE", QUEUE, QueueWorker.TIME_BUDGET, "soon"), null);
        List<Line> lines = new ArrayList<>();

        assertEquals(Set.of(), startup.process(Map.of("m1", "{}"), Duration.ofMinutes(1), into(lines)));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).json().contains(QueueWorker.TIME_BUDGET), lines.get(0).json());
    }

    /** The worker's lines reach the invocation's logger at their own severity; a poison message does not stop the batch. */
    @Test
    void theWorkersLinesReachTheInvocationsLoggerAtTheirSeverity(@TempDir Path dir) throws IOException {
        Path spoke = Files.createDirectories(dir.resolve("spoke"));
        Files.write(spoke.resolve("findings.jsonl"), VisibleVectors.scanFile("findings.jsonl"));
        WorkerStartup startup = new WorkerStartup(Map.of(FunctionSettings.CENTRAL_URI,
                Files.createDirectories(dir.resolve("central")).toUri().toString(), "STANCE_WORK_QUEUE", QUEUE), null);
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("poison", "{\"stance_sync\": \"source\", \"location\": \"" + spoke.toUri() + "\", \"account\": \"../../x\","
                + " \"provider\": \"aws\"}");
        bodies.put("good", WorkMessages.source(new SourceSpec(StorageLocation.parse(spoke.toUri().toString()), "acct-1",
                "aws"), 0));
        List<Line> lines = new ArrayList<>();

        assertEquals(Set.of(), startup.process(bodies, Duration.ofMinutes(1), into(lines)));

        assertEquals(List.of(LogEntry.Severity.INFO, LogEntry.Severity.ERROR), lines.stream().map(Line::severity).toList(),
                lines.toString());
        assertTrue(lines.get(0).json().contains("\"records_synced\": 40"), lines.get(0).json());
        assertTrue(lines.get(1).json().contains("../../x"), lines.get(1).json());
    }
}
