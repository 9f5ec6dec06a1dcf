package com.mantissa.stance.sync.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Google's Pub/Sub emulator (shipped with the Google Cloud SDK, runs offline). Publishes
 * {@code PUBSUB_EMULATOR_HOST}, which the Google client libraries, and so the queue adapter,
 * read; see {@link Emulators}. Topics and subscriptions are created here through the
 * emulator's REST API (fixture setup, independent of the code under test).
 */
public final class PubSubEmulator implements EmulatorServer {

    public static final String PROJECT = "stance-test";
    static final String EMULATOR_HOST_SETTING = "PUBSUB_EMULATOR_HOST";
    /** Where the Google Cloud SDK (Debian package google-cloud-cli) installs the emulator. */
    private static final String DEFAULT_EXECUTABLE =
            "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";
    /** Overrides the location above. */
    static final String EXECUTABLE_PROPERTY = "pubsub.emulator";
    static final String INSTALL_HINT = "The Pub/Sub tests need Google's Pub/Sub emulator and Java: install the "
            + "Google Cloud CLI with its 'pubsub-emulator' component (Debian: apt-get install "
            + "google-cloud-cli-pubsub-emulator), or point -D" + EXECUTABLE_PROPERTY + "= at cloud-pubsub-emulator.";

    private final EmulatorProcess process;
    private final HttpClient http = HttpClient.newHttpClient();

    private PubSubEmulator(EmulatorProcess process) {
        this.process = process;
    }

    static PubSubEmulator start() {
        Path executable = Path.of(System.getProperty(EXECUTABLE_PROPERTY, DEFAULT_EXECUTABLE));
        if (!Files.isExecutable(executable)) {
            throw new ExtensionConfigurationException("No Pub/Sub emulator at " + executable + ". " + INSTALL_HINT);
        }
        EmulatorProcess process = EmulatorProcess.start("pubsub",
                port -> List.of(executable.toString(), "--host=127.0.0.1", "--port=" + port),
                "/", INSTALL_HINT);
        process.publish(EMULATOR_HOST_SETTING, "127.0.0.1:" + process.port());
        return new PubSubEmulator(process);
    }

    /** {@code 127.0.0.1:port}, the form {@code PUBSUB_EMULATOR_HOST} takes. */
    public String host() {
        return "127.0.0.1:" + process.port();
    }

    /** Creates {@code topic} in {@link #PROJECT}; an existing one is fine. */
    public void createTopic(String topic) {
        put("/v1/projects/" + PROJECT + "/topics/" + topic, "{}");
    }

    /**
     * Creates {@code subscription} on {@code topic}, with a dead-letter topic after
     * {@code maxDeliveries} deliveries when {@code deadLetterTopic} is not null.
     */
    public void createSubscription(String topic, String subscription, int ackDeadlineSeconds, String deadLetterTopic,
                                   int maxDeliveries) {
        String deadLetter = deadLetterTopic == null ? "" : ", \"deadLetterPolicy\": {\"deadLetterTopic\": \"projects/"
                + PROJECT + "/topics/" + deadLetterTopic + "\", \"maxDeliveryAttempts\": " + maxDeliveries + "}";
        put("/v1/projects/" + PROJECT + "/subscriptions/" + subscription, "{\"topic\": \"projects/" + PROJECT
                + "/topics/" + topic + "\", \"ackDeadlineSeconds\": " + ackDeadlineSeconds + deadLetter + "}");
    }

    private void put(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(process.baseUrl() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 409) {
                throw new IllegalStateException("PUT " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PUT " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String name() {
        return "pubsub";
    }

    @Override
    public Map<String, String> systemProperties() {
        return process.published();
    }

    @Override
    public Map<String, String> environment() {
        return Map.of(EMULATOR_HOST_SETTING, host());
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
