package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.RequestCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotPrimingTest {

    private static LogEntry onlyEntry(BatchOutcome outcome) {
        assertEquals(1, outcome.entries().size(), outcome.entries().toString());
        return outcome.entries().get(0);
    }

    @Test
    void everyPushSucceedsAndThePushAfterTheIndexIsLostTakesTheFailedCreateReadAndReplacePath() {
        FunctionSettings settings = FunctionSettings.fromEnvironment(
                Map.of("STANCE_CENTRAL_URI", "s3://central-bucket/aggregate"));

        SnapshotPriming.Outcome outcome = SnapshotPriming.run(settings, SnapshotPriming.MIN_ROUNDS);

        LogEntry first = onlyEntry(outcome.first());
        assertEquals(LogEntry.Outcome.SUCCEEDED, first.outcome(), first.message());
        assertEquals(SnapshotPriming.FINDINGS + 10, first.result().recordsSynced());
        LogEntry last = onlyEntry(outcome.last());
        assertEquals(LogEntry.Outcome.SUCCEEDED, last.outcome(), last.message());
        assertEquals(SnapshotPriming.FINDINGS / 2, last.result().recordsSynced(), last.message());
        LogEntry second = onlyEntry(outcome.afterIndexLoss());
        assertEquals(LogEntry.Outcome.SUCCEEDED, second.outcome(), second.message());
        // Without the index every create-if-absent meets the record already there: each one is read
        // back, and the half of the findings that changed is replaced on the version read.
        RequestCounts requests = second.requests();
        assertTrue(requests.reads() >= SnapshotPriming.FINDINGS, requests.toString());
        assertEquals(SnapshotPriming.FINDINGS / 2, second.result().recordsSynced(), second.message());
        // Every request the pushes made was answered by the in-process transport.
        assertTrue(outcome.requestsAnswered() >= first.requests().total() + requests.total() + last.requests().total(),
                outcome.requestsAnswered() + " answered, pushes made " + first.requests() + " and " + requests);
    }

    @Test
    void theConfiguredCentralIsNeverOpened(@TempDir Path temp) throws Exception {
        Path central = temp.resolve("central");
        Files.createDirectories(central);
        FunctionSettings settings = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", central.toUri().toString()));

        SnapshotPriming.Outcome outcome = SnapshotPriming.run(settings, SnapshotPriming.MIN_ROUNDS);

        assertEquals(LogEntry.Outcome.SUCCEEDED, onlyEntry(outcome.last()).outcome(), onlyEntry(outcome.last()).message());

        try (var files = Files.list(central)) {
            assertFalse(files.findAny().isPresent(), "the priming wrote into the configured central");
        }
    }

    @Test
    void aMisconfiguredFunctionIsNotPrimed() {
        SyncFunction function = SyncFunction.fromEnvironment(Map.of("STANCE_CONFLICT_RESOLUTION", "nonsense"));

        assertEquals(java.util.Optional.empty(), function.primeForSnapshot());
        assertTrue(function.settings().isEmpty());
    }
}
