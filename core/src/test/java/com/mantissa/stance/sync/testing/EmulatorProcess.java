package com.mantissa.stance.sync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A server process on a free loopback port, its output in a log file under
 * {@code target/emulator-logs}, and the system properties it published.
 * Shared plumbing of the {@link EmulatorServer} implementations.
 */
final class EmulatorProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Map<String, String> published = new HashMap<>();

    private EmulatorProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code command(port)} and waits until {@code readyPath} answers any HTTP status.
     * The free port is only free when probed, so a server that dies at start (another process
     * took the port) is retried on a new one.
     *
     * @param installHint what to install when the server cannot start
     */
    static EmulatorProcess start(String name, IntFunction<List<String>> command, String readyPath, String installHint) {
        String lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = logFile(name, port);
            Process process;
            try {
                process = new ProcessBuilder(command.apply(port))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new ExtensionConfigurationException("Cannot start the " + name + " emulator ("
                        + e.getMessage() + "). " + installHint, e);
            }
            EmulatorProcess server = new EmulatorProcess(name, process, port, log);
            // JUnit closes the server at the end of a run; this covers a test JVM that is told to stop early.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }, name + "-emulator-stop"));
            Optional<String> failure = server.awaitHttp(readyPath);
            if (failure.isEmpty()) {
                return server;
            }
            server.close();
            lastFailure = failure.get();
        }
        throw new ExtensionConfigurationException("The " + name + " emulator did not start: " + lastFailure
                + ". " + installHint);
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Sets a system property for as long as this server runs. */
    void publish(String property, String value) {
        published.put(property, value);
        System.setProperty(property, value);
    }

    Map<String, String> published() {
        return Map.copyOf(published);
    }

    void close() {
        published.forEach((property, value) -> {
            if (value.equals(System.getProperty(property))) {
                System.clearProperty(property);
            }
        });
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Empty when ready, else why not. */
    private Optional<String> awaitHttp(String readyPath) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        URI uri = URI.create(baseUrl() + readyPath);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return Optional.of("the process exited with status " + process.exitValue() + "; its output ("
                        + log.toAbsolutePath() + "):\n" + tail());
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(5000);
                connection.getResponseCode();
                connection.disconnect();
                return Optional.empty();
            } catch (IOException notYetListening) {
                sleep();
            }
        }
        return Optional.of("no HTTP answer on " + uri + " within " + READY_TIMEOUT.toSeconds() + " s; its output ("
                + log.toAbsolutePath() + "):\n" + tail());
    }

    private String tail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an emulator", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Path logFile(String name, int port) {
        try {
            Path target = Path.of("target");
            Path dir = Files.isDirectory(target)
                    ? Files.createDirectories(target.resolve("emulator-logs"))
                    : Files.createTempDirectory("emulator-logs");
            return dir.resolve(name + "-" + port + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an emulator log file", e);
        }
    }

    /** The nearest {@code relative} file in the working directory or one of its parents. */
    static Optional<Path> findUpwards(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name + " on " + baseUrl();
    }
}
