package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A notification target or threshold the CLI cannot use stops the command before anything is pushed. */
class NotifyOptionsTest {

    private static CliRunner.Result push(Path dir, String... notify) throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Files.writeString(scan.resolve("findings.jsonl"), "{\"id\": \"f-1\", \"finding_type\": \"misconfiguration\", "
                + "\"severity\": \"critical\", \"status\": \"open\", \"title\": \"One\"}\n");
        String[] base = {"push", "--source", scan.toString(), "--central", dir.resolve("central").toString(),
                "--account", "111111111111", "--provider", "aws"};
        String[] args = new String[base.length + notify.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(notify, 0, args, base.length, notify.length);
        return CliRunner.run(args);
    }

    @Test
    void aTargetOfNoKnownFormIsAUsageErrorAndNothingIsPushed(@TempDir Path dir) throws IOException {
        CliRunner.Result r = push(dir, "--notify", "sns://changes");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--notify: unsupported notification target 'sns://changes'"), r.err());
        assertFalse(Files.exists(dir.resolve("central")), "nothing pushed");
    }

    @Test
    void anUnknownSeverityIsAUsageErrorNamingTheFlag(@TempDir Path dir) throws IOException {
        CliRunner.Result r = push(dir, "--notify", "pubsub://project/topic", "--notify-min-severity", "urgent");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--notify-min-severity: expected one of critical, high, medium, low, info, got 'urgent'"),
                r.err());
        assertFalse(Files.exists(dir.resolve("central")), "nothing pushed");
    }

    @Test
    void pushSyncAndWorkerOfferTheOptions() {
        for (String command : new String[] {"push", "sync", "worker"}) {
            CliRunner.Result help = CliRunner.run(command, "--help");
            assertTrue(help.out().contains("--notify=TARGET") && help.out().contains("--notify-min-severity=SEVERITY"),
                    command + ": " + help.out());
        }
    }
}
