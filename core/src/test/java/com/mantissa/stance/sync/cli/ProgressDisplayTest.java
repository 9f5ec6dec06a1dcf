package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressDisplayTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void withoutATerminalOneLinePerIntervalWithRateAndEtaWhenTheTotalIsKnown() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        StringWriter err = new StringWriter();
        ProgressDisplay display = new ProgressDisplay("pull", new PrintWriter(err), false, now::get,
                Duration.ofSeconds(10));

        now.addAndGet(4 * SECOND);
        display.recordsDone(1_000, 10_000); // before the first interval: nothing
        now.addAndGet(6 * SECOND);
        display.recordsDone(2_000, 10_000); // 10 s: 200 records/s, 8,000 left
        now.addAndGet(5 * SECOND);
        display.recordsDone(3_000, 10_000); // 5 s since the last line: nothing
        now.addAndGet(5 * SECOND);
        display.recordsDone(4_000, -1); // a total not known (yet)
        display.close();

        assertEquals(List.of("pull: 2000 of 10000 records, 200 records/s, ETA 40 s",
                "pull: 4000 records, 200 records/s"), err.toString().lines().toList());
    }

    @Test
    void withoutARecordTotalTheShareOfTheScanReadGivesAnEstimateAndAnEta() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        StringWriter err = new StringWriter();
        ProgressDisplay display = new ProgressDisplay("push", new PrintWriter(err), false, now::get,
                Duration.ofSeconds(10));

        now.addAndGet(10 * SECOND);
        display.bytesRead(2_500_000, 12_500_000); // a fifth of the scan in 10 s: 40 s to go
        display.recordsDone(2_000, -1);
        display.close();

        assertEquals(List.of("push: 2000 of about 10000 records, 200 records/s, ETA 40 s"),
                err.toString().lines().toList());
    }

    @Test
    void anExportGoesByTheRecordsTheLastExportHeldForAnEstimateAndAnEta() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        StringWriter err = new StringWriter();
        ProgressDisplay display = new ProgressDisplay("export", new PrintWriter(err), false, now::get,
                Duration.ofSeconds(10));

        display.recordsExpectedAbout(10_000);
        now.addAndGet(10 * SECOND);
        display.recordsDone(2_000, -1); // a fifth of what the last export held, in 10 s
        now.addAndGet(50 * SECOND);
        display.recordsDone(12_000, -1); // more than last time: the estimate follows the count
        display.close();

        assertEquals(List.of("export: 2000 of about 10000 records, 200 records/s, ETA 40 s",
                "export: 12000 of about 12000 records, 200 records/s, ETA 0 s"), err.toString().lines().toList());
    }

    @Test
    void onATerminalTheBarAppearsAtItsDelayBeforeTheFirstBatchIsDone() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        List<String> drawn = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressDisplay display = new ProgressDisplay("push", new PrintWriter(new StringWriter()), true, now::get,
                Duration.ofSeconds(10), barOutput(drawn));

        now.addAndGet(SECOND);
        display.tick(); // before the delay: nothing
        assertTrue(drawn.isEmpty(), drawn.toString());
        now.addAndGet(SECOND);
        display.tick(); // at the delay, with no batch done yet
        display.refresh();
        display.close();

        assertTrue(!drawn.isEmpty() && drawn.get(0).startsWith("push"), drawn.toString());
        assertTrue(drawn.get(drawn.size() - 1).contains("0 records") && drawn.get(drawn.size() - 1).contains("?"),
                "no ETA without a basis: " + drawn);
    }

    @Test
    void theBarsRateAndEtaAreTheWholeRunsEvenWhenItAppearsLate() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        List<String> drawn = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressDisplay display = new ProgressDisplay("push", new PrintWriter(new StringWriter()), true, now::get,
                Duration.ofSeconds(10), barOutput(drawn));

        now.addAndGet(12 * SECOND); // the first batch took 12 s
        display.bytesRead(3_500_000, 10_000_000); // 35 % of the scan read
        display.recordsDone(1_200, -1); // 100 records/s: 65 % to go at that pace is 22 s
        display.refresh();
        String first = drawn.get(drawn.size() - 1);
        now.addAndGet(2 * SECOND);
        display.refresh();
        String later = drawn.get(drawn.size() - 1);
        display.close();

        assertTrue(first.contains("100 records/s"), first);
        assertEquals(Duration.ofSeconds(20), display.eta().orElseThrow(), "counts down between reports");
        assertTrue(first.contains("0:00:22"), first);
        assertTrue(later.contains("0:00:20"), later);
    }

    private static me.tongfei.progressbar.ProgressBarConsumer barOutput(List<String> drawn) {
        return new me.tongfei.progressbar.ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return 160;
            }

            @Override
            public void accept(String rendered) {
                drawn.add(rendered);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void quietMeansNoDisplay() {
        assertNull(ProgressDisplay.of("push", new PrintWriter(new StringWriter()), true, true));
    }

    @Test
    void quietPushPrintsNoSummaryAndJsonStdoutIsExactlyTheResult(@TempDir Path root) throws Exception {
        Path scan = root.resolve("scan/findings/s1/findings.jsonl");
        Files.createDirectories(scan.getParent());
        Files.writeString(scan, "{\"id\": \"f-1\"}\n{\"id\": \"f-2\"}\n");

        CliRunner.Result run = CliRunner.run("push", "--central", root.resolve("central").toString(), "--source",
                scan.toString(), "--account", "123456789012", "--provider", "aws", "--json", "--quiet");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals(List.of("success", "records_synced", "records_skipped", "conflicts_resolved", "errors",
                "duration_seconds", "sync_direction"), List.copyOf(run.json().keySet()));
        assertEquals(2L, run.json().get("records_synced"));
        assertTrue(run.out().strip().startsWith("{") && run.out().strip().endsWith("}"), run.out());
    }

    @Test
    void quietExportPrintsNothingOnStderr(@TempDir Path root) throws Exception {
        Path scan = root.resolve("scan/findings/s1/findings.jsonl");
        Files.createDirectories(scan.getParent());
        Files.writeString(scan, "{\"id\": \"f-1\"}\n{\"id\": \"f-2\"}\n");
        String central = root.resolve("central").toString();
        assertEquals(0, CliRunner.run("push", "--central", central, "--source", scan.toString(), "--account",
                "123456789012", "--provider", "aws", "--quiet").exitCode());

        CliRunner.Result run = CliRunner.run("export", "--central", central, "--target",
                root.resolve("export").toString(), "--quiet");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals("OK", run.out().strip());
    }
}
