package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function instance the way the managed {@code java21} runtime runs it: AWS's runtime
 * interface client ({@code com.amazonaws:aws-lambda-java-runtime-interface-client}, the
 * runtime's own code) in a child JVM, on its own classpath, loading the handler from the
 * unpacked shaded jar in the task root (Lambda unpacks a jar into {@code /var/task}; the client
 * takes the task root from the working directory), and polling a {@link RuntimeApiServer} on
 * loopback. The client deserialises each raw event with AWS's serialisation library, calls the
 * handler named by {@code _HANDLER} and posts the serialised result or the error.
 */
final class LambdaRuntimeProcess implements AutoCloseable {

    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Duration INVOCATION_TIMEOUT = Duration.ofMinutes(3);

    /** One log call as the client's JSON log format writes it ({@code AWS_LAMBDA_LOG_FORMAT=JSON}). */
    record LogRecord(String level, String message) {
        /** The message as the invocation JSON the facade writes. */
        Map<String, Object> json() {
            return new TestContext.Line(null, message).json();
        }
    }

    private final RuntimeApiServer api;
    private final Process process;
    private final Path output;

    private LambdaRuntimeProcess(RuntimeApiServer api, Process process, Path output) {
        this.api = api;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts the runtime for {@code handler} ({@code class::method}, as the template names it)
     * with the function's {@code environment} (STANCE_*, endpoints) on top of the variables the
     * Lambda service sets.
     */
    static LambdaRuntimeProcess start(Path taskRoot, Path work, String handler, Map<String, String> environment)
            throws IOException {
        RuntimeApiServer api = new RuntimeApiServer();
        Path output = Files.createTempFile(work, "runtime-", ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", runtimeClasspath(), RIC_MAIN, handler)
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        // The reserved variables the service sets
        // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "stance-sync-object-created");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/stance-sync-object-created");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[1]0123456789abcdef");
        // As template.yaml's LoggingConfig, at DEBUG so that ignored events are visible too.
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("AWS_LAMBDA_LOG_LEVEL", "DEBUG");
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        env.putAll(environment);
        return new LambdaRuntimeProcess(api, builder.start(), output);
    }

    /** Sends the raw event document {@code resource} to a function whose ARN names {@code account}. */
    RuntimeApiServer.Outcome invoke(String resource, String account) {
        byte[] event = AwsFixtures.resource(resource);
        CompletableFuture<RuntimeApiServer.Outcome> outcome = api.invoke(event,
                "arn:aws:lambda:us-east-1:" + account + ":function:stance-sync-object-created:live");
        CompletableFuture<Object> first = CompletableFuture.anyOf(outcome, api.initError(), process.onExit());
        try {
            first.get(INVOCATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("no result from the runtime within " + INVOCATION_TIMEOUT + "; its output:\n" + output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } catch (ExecutionException e) {
            fail(e.getCause());
        }
        if (!outcome.isDone()) {
            fail("the runtime " + (api.initError().isDone() ? "failed to initialise: " + api.initError().join()
                    : "exited with status " + process.exitValue()) + "; its output:\n" + output());
        }
        return outcome.join();
    }

    /** Everything the runtime and the handler printed (stdout and stderr). */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON log records the client wrote so far, in order. */
    List<LogRecord> logRecords() {
        List<LogRecord> records = new ArrayList<>();
        for (String object : topLevelJsonObjects(output())) {
            Map<String, Object> record = new TestContext.Line(null, object).json();
            if (record.containsKey("level") && record.get("message") instanceof String message) {
                records.add(new LogRecord((String) record.get("level"), message));
            }
        }
        return records;
    }

    /** The facade's invocation lines among {@link #logRecords()}. */
    List<Map<String, Object>> invocations() {
        return logRecords().stream().filter(r -> r.message().startsWith("{")).map(LogRecord::json).toList();
    }

    /**
     * The top-level {@code {...}} objects in {@code text}: the client writes JSON log records to
     * stdout back to back, and the JVM may print plain lines between them.
     */
    static List<String> topLevelJsonObjects(String text) {
        List<String> objects = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"' && depth > 0) {
                inString = true;
            } else if (c == '{') {
                if (depth++ == 0) {
                    start = i;
                }
            } else if (c == '}' && depth > 0 && --depth == 0) {
                objects.add(text.substring(start, i + 1));
            }
        }
        return objects;
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
        } finally {
            api.close();
        }
    }

    /** Unpacks the shaded jar into {@code taskRoot}, as Lambda unpacks a jar into {@code /var/task}. */
    static void unpack(Path jar, Path taskRoot) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = taskRoot.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(taskRoot), "entry outside the task root: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
    }

    /** The shaded jar {@code package} built (path from the failsafe configuration). */
    static Path shadedJar() {
        Path jar = Path.of(requiredProperty("stance.aws.shadedJar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run the integration tests through mvn verify (after package)");
        return jar;
    }

    /** The jars maven-dependency-plugin copied for the runtime (the client, its serialisation library, ...). */
    private static String runtimeClasspath() throws IOException {
        Path dir = Path.of(requiredProperty("stance.aws.runtimeDirectory"));
        assertTrue(Files.isDirectory(dir), dir + " is missing: mvn verify copies the runtime there (pre-integration-test)");
        List<String> jars;
        try (var files = Files.list(dir)) {
            jars = files.map(Path::toString).filter(f -> f.endsWith(".jar")).sorted().toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.contains("aws-lambda-java-runtime-interface-client")),
                "no runtime interface client in " + dir + ": " + jars);
        return String.join(java.io.File.pathSeparator, jars);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            fail("system property " + name + " is not set: run the integration tests through mvn verify");
        }
        return value;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Map<String, String> merge(Map<String, String> first, Map<String, String> second) {
        Map<String, String> merged = new HashMap<>(first);
        merged.putAll(second);
        return merged;
    }
}
