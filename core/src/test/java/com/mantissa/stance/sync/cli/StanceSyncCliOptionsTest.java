package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option values picocli checks itself: enums (any case, choices listed in help) and durations. */
class StanceSyncCliOptionsTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheChoicesOfProviderAndConflict() {
        CliRunner.Result help = CliRunner.run("push", "--help");

        assertEquals(0, help.exitCode(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("Source cloud provider: aws, gcp, azure."), help.out());
        assertTrue(text.contains("local_wins, central_wins, latest_wins, merge (default: latest_wins)"),
                text);
        assertTrue(text.contains("--index-max-age=DURATION"), help.out());
        assertTrue(text.contains("(default: 24h)"), help.out());
        assertTrue(text.contains("--deadline=DURATION"), help.out());
        assertTrue(text.contains("--concurrency=N A fixed number of parallel store requests (default: adaptive"),
                text);
    }

    @Test
    void aFixedConcurrencyMustBePositiveAndOneIsEnough() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));

        CliRunner.Result zero = CliRunner.run("push", "--source", scan.toString(), "--central",
                dir.resolve("central").toString(), "--account", "1", "--provider", "aws", "--concurrency", "0");
        CliRunner.Result one = CliRunner.run("push", "--source", scan.toString(), "--central",
                dir.resolve("central").toString(), "--account", "1", "--provider", "aws", "--concurrency", "1",
                "--json");

        assertEquals(2, zero.exitCode(), zero.err());
        assertTrue(zero.err().contains("--concurrency must be >= 1, got 0"), zero.err());
        assertEquals(0, one.exitCode(), one.err());
        assertEquals(52L, one.json().get("records_synced"));
    }

    @Test
    void enumValuesAreCaseInsensitiveAndDurationsParse() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));

        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central",
                dir.resolve("central").toString(), "--account", "1", "--provider", "GCP", "--conflict", "Central_Wins",
                "--index-max-age", "0", "--deadline", "10m", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(52L, run.json().get("records_synced"));
    }

    @Test
    void anUnknownChoiceIsAUsageErrorListingTheChoices() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));

        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central",
                dir.resolve("central").toString(), "--account", "1", "--provider", "ibm");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--provider"), run.err());
        assertTrue(run.err().contains("AZURE") || run.err().contains("azure"), run.err());
        assertEquals("", run.out());
    }
}
