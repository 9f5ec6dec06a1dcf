package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sources file names the accounts that should report. {@code status --expected FILE} shows
 * each one that never pushed as a row with {@code "missing": true} and exits 1; an account that
 * pushed but is not listed is {@code "expected": false} without changing the exit code; without
 * a list neither key appears. The schedule warns once per missing account, from
 * {@code STANCE_SOURCES_URI} as from {@code STANCE_SOURCES}.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class ExpectedAccountsTest {
    static final String PUSHED = "111111111111";
    static final String UNLISTED = "333333333333";
    static final String NEVER = "222222222222";

    @TempDir
    Path dir;

    Path scan() throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Files.writeString(scan.resolve("findings.jsonl"), "{\"id\": \"f-1\", \"status\": \"open\"}\n");
        return scan;
    }

    Path sourcesFile(Path scan) throws IOException {
        Path file = dir.resolve("sources.jsonl");
        Files.writeString(file, "{\"location\": \"" + scan.toUri() + "\", \"account\": \"" + PUSHED
                + "\", \"provider\": \"aws\"}\n{\"location\": \"s3://no-such-spoke/stance\", \"account\": \"" + NEVER
                + "\", \"provider\": \"aws\"}\n");
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "s3"})
    void statusNamesTheAccountsThatNeverReported(String kind, MotoServer moto) throws IOException {
        String central;
        if (kind.equals("s3")) {
            central = "s3://expected-" + UUID.randomUUID().toString().substring(0, 8);
            moto.createBucket(central.substring("s3://".length()));
        } else {
            central = dir.resolve("central").toString();
        }
        Path scan = scan();
        for (String account : List.of(PUSHED, UNLISTED)) {
            CliRunner.Result push = CliRunner.run("push", "--source", scan.toString(), "--central", central,
                    "--account", account, "--provider", "aws");
            assertEquals(0, push.exitCode(), push.err());
        }

        CliRunner.Result plain = CliRunner.run("status", "--central", central, "--json");
        assertEquals(0, plain.exitCode(), plain.err());
        for (Map<String, Object> row : rows(plain)) {
            assertFalse(row.containsKey("missing") || row.containsKey("expected"), row.toString());
        }

        CliRunner.Result status = CliRunner.run("status", "--central", central, "--json", "--expected",
                sourcesFile(scan).toString());
        assertEquals(1, status.exitCode(), status.err());
        List<Map<String, Object>> rows = rows(status);
        assertEquals(List.of(PUSHED, NEVER, UNLISTED), rows.stream().map(r -> r.get("account")).toList());
        assertEquals(List.of(false, true, false), rows.stream().map(r -> r.get("missing")).toList());
        assertEquals(List.of(true, true, false), rows.stream().map(r -> r.get("expected")).toList());
        assertNull(rows.get(1).get("last_push"));
        assertTrue(status.err().contains("1 missing"), status.err());

        // Every expected account reported: an unexpected one alone does not fail the status.
        Path onlyPushed = dir.resolve("only.jsonl");
        Files.writeString(onlyPushed, "{\"location\": \"" + scan.toUri() + "\", \"account\": \"" + PUSHED + "\"}\n");
        CliRunner.Result complete = CliRunner.run("status", "--central", central, "--json", "--expected",
                onlyPushed.toString());
        assertEquals(0, complete.exitCode(), complete.err());
        assertEquals(false, rows(complete).get(1).get("expected"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(CliRunner.Result result) {
        return (List<Map<String, Object>>) result.json().get("accounts");
    }

    @Test
    void theScheduleWarnsOncePerMissingAccount() throws IOException {
        Path scan = scan();
        Path central = dir.resolve("central");
        Path sources = dir.resolve("sources.jsonl");
        // The one listed spoke that never reports is on a folder that does not exist: its push fails,
        // and it never pushed.
        Files.writeString(sources, "{\"location\": \"" + scan.toUri() + "\", \"account\": \"" + PUSHED
                + "\"}\n{\"location\": \"" + dir.resolve("gone").toUri() + "\", \"account\": \"" + NEVER + "\"}\n");
        for (Map<String, String> env : List.of(
                Map.of("STANCE_CENTRAL_URI", central.toString(), "STANCE_SOURCES_URI", sources.toString()),
                Map.of("STANCE_CENTRAL_URI", central.toString(), "STANCE_SOURCES",
                        scan.toUri() + "|" + PUSHED + "|aws," + dir.resolve("gone").toUri() + "|" + NEVER + "|aws"))) {
            List<String> warnings = captureWarnings(() -> ScheduledTick.run(SyncFunction.fromEnvironment(env), "t",
                    "schedule"));
            List<String> missing = warnings.stream().filter(w -> w.startsWith("missing account")).toList();
            assertEquals(List.of("missing account " + NEVER + ": named in the sources, never pushed"), missing,
                    env + ": " + warnings);
        }
    }

    static List<String> captureWarnings(Runnable run) {
        Logger logger = Logger.getLogger("com.mantissa.stance.sync.function.ScheduledLifecycle");
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    lines.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            run.run();
        } finally {
            logger.removeHandler(handler);
        }
        return lines;
    }
}
