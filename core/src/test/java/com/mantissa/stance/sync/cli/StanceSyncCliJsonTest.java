package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * With {@code --json}, a script reads stdout as one JSON object whatever happened: usage and
 * configuration errors included, which print {@code {"success": false, "error": ..., "exit_code": 2}}.
 */
class StanceSyncCliJsonTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> usageAndConfigurationErrors() {
        String scan = VisibleVectors.copyScanTo(dir.resolve("scan")).toString();
        String central = dir.resolve("central").toString();
        return Stream.of(
                Arguments.of("--provider", args("push", "--source", scan, "--central", central, "--account", "1",
                        "--provider", "ibm")),
                Arguments.of("--conflict", args("push", "--source", scan, "--central", central, "--account", "1",
                        "--provider", "aws", "--conflict", "newest")),
                Arguments.of("--batch-size", args("push", "--source", scan, "--central", central, "--account", "1",
                        "--provider", "aws", "--batch-size", "0")),
                Arguments.of("--central", args("push", "--source", scan, "--central", "ftp://x", "--account", "1",
                        "--provider", "aws")),
                Arguments.of("--source", args("push", "--source", dir.resolve("missing").toString(), "--central",
                        central, "--account", "1", "--provider", "aws")),
                Arguments.of("--account", args("push", "--source", scan, "--central", central, "--account", "../x",
                        "--provider", "aws")),
                Arguments.of("--source", args("push", "--central", central)),
                Arguments.of("--no-such-flag", args("push", "--source", scan, "--central", central, "--account", "1",
                        "--provider", "aws", "--no-such-flag")),
                Arguments.of("--deadline", args("push", "--source", scan, "--central", central, "--account", "1",
                        "--provider", "aws", "--deadline", "soon")),
                Arguments.of("frobnicate", args("frobnicate")),
                Arguments.of("'--json'", args()));
    }

    private static List<String> args(String... args) {
        List<String> list = new ArrayList<>(List.of(args));
        list.add("--json");
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageAndConfigurationErrors")
    void usageErrorPrintsExactlyOneJsonObjectWithExitCodeTwo(String named, List<String> args) {
        CliRunner.Result run = CliRunner.run(args.toArray(String[]::new));

        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), "one line on stdout: " + run.out());
        Map<String, Object> json = run.json();
        assertEquals(List.of("success", "error", "exit_code"), List.copyOf(json.keySet()));
        assertEquals(false, json.get("success"));
        assertEquals(2L, json.get("exit_code"));
        assertTrue(((String) json.get("error")).contains(named), "the error names " + named + ": " + json);
        assertTrue(run.err().contains(named), "stderr still explains it to a person: " + run.err());
    }

    @Test
    void syncAbortedByTheStoreIsOneErrorAndExitTwo() {
        String message = "central s3://missing-bucket/aggregated: bucket 'missing-bucket' does not exist";
        List<String> push = pushArgs();

        CliRunner.Result text = runWithEngine(() -> {
            throw new SyncAbortedException(message, null);
        }, push);
        push.add("--json");
        CliRunner.Result json = runWithEngine(() -> {
            throw new SyncAbortedException(message, null);
        }, push);

        assertEquals(2, text.exitCode(), text.err());
        assertEquals("stance-sync: " + message + System.lineSeparator(), text.err(), "that one error, nothing more");
        assertEquals("", text.out());
        assertEquals(2, json.exitCode(), json.err());
        assertEquals(Map.of("success", false, "error", message, "exit_code", 2L), json.json());
    }

    @Test
    void anIllegalArgumentFromInsideTheSyncIsAFailureNotAUsageError() {
        List<String> push = pushArgs();
        push.add("--json");

        CliRunner.Result run = runWithEngine(() -> {
            throw new IllegalArgumentException("a bug deep in the engine");
        }, push);

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("a bug deep in the engine"), run.err());
        assertEquals(1L, run.json().get("exit_code"));
        assertEquals(false, run.json().get("success"));
    }

    @Test
    void aCentralThatIsARegularFileStopsTheSyncWithOneErrorEndToEnd() throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("central-is-a-file-" + System.nanoTime()), "x");
        List<String> push = pushArgs();
        push.set(push.indexOf("--central") + 1, file.toString());
        push.add("--json");

        CliRunner.Result run = CliRunner.run(push.toArray(String[]::new));

        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().filter(l -> l.contains(file.toString())).count(), run.err());
        assertEquals(2L, run.json().get("exit_code"));
        assertTrue(((String) run.json().get("error")).contains(file.toString()), run.out());
    }

    private static List<String> pushArgs() {
        long run = System.nanoTime();
        Path scan = VisibleVectors.copyScanTo(dir.resolve("abort-scan-" + run));
        return new ArrayList<>(List.of("push", "--source", scan.toString(), "--central",
                dir.resolve("abort-central-" + run).toString(), "--account", "1", "--provider", "aws"));
    }

    /** Runs the CLI with {@code push} whose sync does what {@code engine} does instead of running. */
    private static CliRunner.Result runWithEngine(java.util.function.Supplier<SyncResult> engine, List<String> args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                if (type == StanceSyncCli.Push.class) {
                    return (K) new StanceSyncCli.Push() {
                        @Override
                        SyncResult execute(CrossCloudSync sync) {
                            return engine.get();
                        }
                    };
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = StanceSyncCli.run(args.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true), factory);
        return new CliRunner.Result(code, out.toString(), err.toString());
    }
}
