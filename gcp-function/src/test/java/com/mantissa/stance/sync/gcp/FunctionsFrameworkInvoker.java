package com.mantissa.stance.sync.gcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Functions Framework invoker (the runtime Cloud Functions runs Java functions in) started as a
 * child JVM on a free loopback port: {@code java -jar java-function-invoker.jar --classpath ...
 * --target ... --port ...}. A child process because the function reads its configuration from the
 * real process environment, exactly as in production, and a JVM cannot change its own; the emulators
 * are reached through the same variables ({@code STORAGE_EMULATOR_HOST}, {@code AWS_ENDPOINT_URL_S3}).
 *
 * <p>The invoker is the shaded application from Maven Central (copied by the build into
 * {@code target/invoker}); the function's classpath is {@code target/classes} plus the module's
 * runtime dependencies, as the deployment JAR holds them.
 */
final class FunctionsFrameworkInvoker implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    private final String target;
    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private FunctionsFrameworkInvoker(String target, Process process, Path log, int port) {
        this.target = target;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the invoker serving {@code functionClass} from the module's compiled classes and
     * runtime dependencies, with exactly {@code environment} (plus PATH).
     */
    static FunctionsFrameworkInvoker start(Class<?> functionClass, Map<String, String> environment) {
        Path classes = Paths.get(requiredProperty("stance.gcp.functionClasses"));
        Path classpathFile = Paths.get(requiredProperty("stance.gcp.functionClasspathFile"));
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("missing " + classpathFile + ": run the tests through Maven"
                    + " (mvn -pl gcp-function -am test), whose generate-test-resources phase writes it");
        }
        try {
            return start(classes + java.io.File.pathSeparator + Files.readString(classpathFile).trim(),
                    functionClass, environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the invoker serving {@code functionClass} from nothing but {@code jar}, as Cloud Functions does. */
    static FunctionsFrameworkInvoker startFromJar(Path jar, Class<?> functionClass, Map<String, String> environment) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": it is built by 'mvn -pl gcp-function -am package'");
        }
        return start(jar.toString(), functionClass, environment);
    }

    private static FunctionsFrameworkInvoker start(String classpath, Class<?> functionClass, Map<String, String> environment) {
        Path invokerJar = Paths.get(requiredProperty("stance.gcp.invokerJar"));
        if (!Files.isRegularFile(invokerJar)) {
            throw new IllegalStateException("missing " + invokerJar + ": run the tests through Maven"
                    + " (mvn -pl gcp-function -am test), whose generate-test-resources phase copies the invoker");
        }
        int port = freePort();
        Path logDir = Paths.get("target", "invoker-logs");
        Path log = logDir.resolve(functionClass.getSimpleName() + "-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // Two shared cores: a quick-starting JVM is what a cold function start looks like too.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-jar", invokerJar.toString(),
                "--classpath", classpath,
                "--target", functionClass.getName(),
                "--port", Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // Nothing from the developer's shell (real cloud credentials, proxies) leaks into the function.
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.putAll(environment);
        try {
            Files.createDirectories(logDir);
            builder.redirectOutput(log.toFile());
            Process process = builder.start();
            FunctionsFrameworkInvoker invoker = new FunctionsFrameworkInvoker(functionClass.getName(), process, log, port);
            invoker.awaitListening();
            return invoker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Functions Framework invoker: " + command, e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the invoker serving " + target + " exited with "
                        + process.exitValue() + " before listening; its output:\n" + output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        close();
        throw new IllegalStateException("the invoker serving " + target + " did not listen on port " + port
                + " within " + START_LIMIT.toSeconds() + " s; its output:\n" + output());
    }

    /**
     * POSTs a CloudEvent in binary content mode, as Eventarc delivers it: attributes in
     * {@code ce-*} headers, the event data as the JSON body.
     */
    HttpResponse<String> post(Map<String, String> ceAttributes, String jsonData) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonData, StandardCharsets.UTF_8));
        ceAttributes.forEach((name, value) -> request.header("ce-" + name, value));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("POST to the invoker failed; its output:\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the function process printed so far (stdout and stderr). */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    /** The structured log lines (one JSON object per line, as Cloud Logging ingests them). */
    List<String> jsonLines() {
        List<String> lines = new ArrayList<>();
        for (String line : output().split("\n")) {
            if (line.startsWith("{") && line.contains("\"severity\"")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CloudEvent attributes for a storage object event, shaped as Eventarc sends them. */
    static Map<String, String> storageEventAttributes(String type, String bucket, String objectName, String id) {
        Map<String, String> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("type", type);
        ce.put("source", "//storage.googleapis.com/projects/_/buckets/" + bucket);
        ce.put("subject", "objects/" + objectName);
        ce.put("id", id);
        ce.put("time", "2026-11-25T09:00:00.000Z");
        return ce;
    }

    /** StorageObjectData as Cloud Storage sends it (JSON API object resource; int64 fields as strings). */
    static String storageObjectData(String bucket, String name) {
        String generation = "1764061200" + String.format("%06d", Math.abs(name.hashCode() % 1_000_000));
        return "{\"kind\": \"storage#object\", \"id\": \"" + bucket + "/" + name + "/" + generation + "\","
                + " \"selfLink\": \"https://www.googleapis.com/storage/v1/b/" + bucket + "/o/" + name.replace("/", "%2F") + "\","
                + " \"name\": \"" + name + "\", \"bucket\": \"" + bucket + "\", \"generation\": \"" + generation + "\","
                + " \"metageneration\": \"1\", \"contentType\": \"application/octet-stream\","
                + " \"timeCreated\": \"2026-11-25T09:00:00.000Z\", \"updated\": \"2026-11-25T09:00:00.000Z\","
                + " \"storageClass\": \"STANDARD\", \"timeStorageClassUpdated\": \"2026-11-25T09:00:00.000Z\","
                + " \"size\": \"1024\", \"md5Hash\": \"1B2M2Y8AsgTpgAmY7PhCfg==\", \"crc32c\": \"AAAAAA==\","
                + " \"etag\": \"CKih16GjycICEAE=\"}";
    }

    /** CloudEvent attributes for a Pub/Sub message published by Cloud Scheduler. */
    static Map<String, String> pubsubEventAttributes(String project, String topic, String id) {
        Map<String, String> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("type", "google.cloud.pubsub.topic.v1.messagePublished");
        ce.put("source", "//pubsub.googleapis.com/projects/" + project + "/topics/" + topic);
        ce.put("id", id);
        ce.put("time", "2026-11-25T09:00:00.000Z");
        return ce;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run the tests through"
                    + " Maven (mvn -pl gcp-function -am test), which sets it in the surefire configuration");
        }
        return value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
