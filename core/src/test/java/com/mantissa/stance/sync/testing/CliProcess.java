package com.mantissa.stance.sync.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI ({@code StanceSyncCli.main}) in a child JVM with a chosen environment: the
 * only way to give the SDKs real environment variables ({@code AWS_ENDPOINT_URL_S3},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AZURE_STORAGE_CONNECTION_STRING}), to observe the
 * process exit code exactly as a user or a cron job would, and to race separate processes.
 * In-process runs: {@link CliRunner}.
 */
public final class CliProcess {

    /** What one run printed and returned; {@code seconds} is its wall time. */
    public record Result(int exitCode, String out, String err, double seconds) {
    }

    /** The heap of a small function, so that a run that needs more fails here first. */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx256m");

    private CliProcess() {
    }

    /**
     * Runs {@code stance-sync args...}; the child inherits this JVM's environment minus every
     * AWS_, AZURE_, GOOGLE_ and STORAGE_EMULATOR_ variable, plus {@code env}.
     *
     * @throws AssertionError when the run outlives {@code timeout} (it is killed first)
     */
    public static Result run(Map<String, String> env, Duration timeout, String... args) {
        return run(DEFAULT_JVM_OPTIONS, env, timeout, args);
    }

    /** Like {@link #run(Map, Duration, String...)} with the child JVM's options (a heap limit, say). */
    public static Result run(List<String> jvmOptions, Map<String, String> env, Duration timeout, String... args) {
        return start(jvmOptions, env, args).await(timeout);
    }

    /** Starts {@code stance-sync args...} as {@link #run} does, without waiting: for runs that race each other. */
    public static Running start(Map<String, String> env, String... args) {
        return start(DEFAULT_JVM_OPTIONS, env, args);
    }

    /** Like {@link #start(Map, String...)} with the child JVM's options. */
    public static Running start(List<String> jvmOptions, Map<String, String> env, String... args) {
        Path dir;
        try {
            dir = Files.createTempDirectory("stance-cli");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-XX:+UseSerialGC");
        // The client compiler alone: a test's CLI run is short, and the server compiler's threads
        // cost a push to a dead S3 endpoint about as much CPU again (2.0 s instead of 1.1 s) on
        // a build machine whose two cores the test JVMs already keep busy.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(classPath());
        command.add("com.mantissa.stance.sync.cli.StanceSyncCli");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_")
                || k.startsWith("STORAGE_EMULATOR_") || k.startsWith("GOOGLE_"));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        try {
            return new Running(builder.start(), dir, started);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException(e);
        }
    }

    /** A started CLI process. */
    public static final class Running {
        private final Process process;
        private final Path dir;
        private final long started;

        private Running(Process process, Path dir, long started) {
            this.process = process;
            this.dir = dir;
            this.started = started;
        }

        /**
         * Waits for the process and returns what it printed.
         *
         * @throws AssertionError when it outlives {@code timeout} (it is killed first)
         */
        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("the CLI did not finish within " + timeout.toSeconds()
                            + " s (hung); stderr:\n" + tail(dir.resolve("err")));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                return new Result(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8), seconds);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the CLI", e);
            } finally {
                deleteQuietly(dir);
            }
        }
    }

    /** The test class path: surefire's real one (its own java.class.path is a manifest-only jar). */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, cp.split(File.pathSeparator));
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp folder left behind is harmless.
        }
    }
}
