package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a push reports: quiet means quiet, the JSON result shows deletes, -V works, a deadline is one line. */
class PushReportTest {
    @TempDir
    Path dir;

    /** A scan of findings f-0.. and assets a-0.. in a folder of its own. */
    Path scan(String name, int findings, int assets) throws IOException {
        Path scan = dir.resolve("scans/" + name);
        Files.createDirectories(scan);
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            f.append("{\"id\": \"f-").append(i).append("\", \"severity\": \"high\", \"status\": \"open\", "
                    + "\"title\": \"t\", \"last_seen\": \"2026-11-24T06:00:00\"}\n");
        }
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < assets; i++) {
            a.append("{\"id\": \"a-").append(i).append("\", \"resource_type\": \"s3_bucket\"}\n");
        }
        Files.writeString(scan.resolve("findings.jsonl"), f);
        Files.writeString(scan.resolve("assets.jsonl"), a);
        return scan;
    }

    CliRunner.Result push(Path scan, String... extra) {
        String[] base = {"push", "--source", scan.toString(), "--central", dir.resolve("central").toString(),
            "--account", "111111111111", "--provider", "aws"};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @Test
    void quietPrintsNoResolveSummary() throws IOException {
        assertEquals(0, push(scan("full", 4, 2)).exitCode());

        CliRunner.Result quiet = push(scan("less", 3, 1), "--resolve-missing", "--quiet");

        assertEquals(0, quiet.exitCode(), quiet.err());
        assertEquals("", quiet.err(), "nothing on stderr without an error");
    }

    @Test
    void theJsonResultCarriesWhatTheResolvePassResolvedAndRemoved() throws IOException {
        assertEquals(0, push(scan("full", 4, 2)).exitCode());

        CliRunner.Result run = push(scan("less", 3, 1), "--resolve-missing", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1L, run.json().get("findings_resolved"), run.out());
        assertEquals(0L, run.json().get("findings_already_resolved"), run.out());
        assertEquals(1L, run.json().get("assets_removed"), run.out());
        assertFalse(push(scan("same", 3, 1), "--json").json().containsKey("assets_removed"),
                "without a resolve pass the result has the original's keys");
    }

    @Test
    void aPushOfASnapshotUnchangedSinceItsLastResolvePassSaysNoneRan() throws IOException {
        Path scan = scan("full", 4, 2);
        CliRunner.Result first = push(scan, "--resolve-missing");
        assertEquals(0, first.exitCode(), first.err());
        assertFalse(first.err().contains("snapshot unchanged"), first.err());

        CliRunner.Result again = push(scan, "--resolve-missing");

        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("resolve-missing: snapshot unchanged since its last resolve pass, not read; "
                + "none run"), again.err());
        assertTrue(again.err().contains("2 unchanged files"), again.err());
        CliRunner.Result everything = push(scan, "--resolve-missing", "--index-max-age", "0");
        assertFalse(everything.err().contains("snapshot unchanged"), everything.err());
    }

    @Test
    void pushDashCapitalVPrintsTheVersion() {
        CliRunner.Result run = CliRunner.run("push", "-V");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("stance-sync "), run.out());
    }

    @Test
    void recordsADeadlineLeftAreOneLineCountingThemWhereTheFirstWas() {
        String deadline = "not attempted: the sync's deadline of 3 s has passed";
        List<String> errors = List.of("findings.jsonl line 2: finding 'f-1': not JSON",
                "findings.jsonl line 7: finding 'f-6': write of a/f-6.json failed: " + deadline,
                "findings.jsonl line 8: finding 'f-7': write of a/f-7.json failed: " + deadline,
                "assets.jsonl line 1: asset 'a-0': write of a/a-0.json failed: " + deadline,
                "assets.jsonl: cannot read: " + deadline,
                "12 further errors not listed");
        StringWriter out = new StringWriter();

        PushPassReport.errors(new PrintWriter(out, true), errors);

        assertEquals(List.of("error: findings.jsonl line 2: finding 'f-1': not JSON",
                "error: 3 records not attempted: the sync's deadline of 3 s has passed",
                "error: assets.jsonl: cannot read: " + deadline,
                "error: 12 further errors not listed"), out.toString().lines().toList());
    }

    @Test
    void aPassedDeadlineReportsWhatItLeftOnce() throws IOException {
        CliRunner.Result run = push(scan("big", 30, 5), "--deadline", "PT0.000000001S");

        assertEquals(1, run.exitCode(), run.err());
        assertFalse(run.err().lines().anyMatch(line -> line.contains("f-7")), run.err());
        assertTrue(run.err().lines().filter(line -> line.startsWith("error: ")).count() <= 2, run.err());
    }
}
