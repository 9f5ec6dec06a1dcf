package com.mantissa.stance.sync.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads what {@code azure-functions-maven-plugin:package} generated in the staging folder (so it
 * runs in the integration-test phase, after package) and checks the bindings the platform will see.
 */
@org.junit.jupiter.api.Tag("slow")
class AzureFunctionBindingsIT {

    private static final Path STAGING = Path.of(System.getProperty("stance.functions.staging",
            "target/azure-functions/stance-sync"));

    private static Map<String, Object> functionJson(String function) throws IOException {
        Path file = STAGING.resolve(function).resolve("function.json");
        assertTrue(Files.isRegularFile(file), file + " was not generated; run `mvn package` first");
        return JsonParser.parseObject(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyBinding(Map<String, Object> functionJson) {
        List<Object> bindings = (List<Object>) functionJson.get("bindings");
        assertEquals(1, bindings.size(), "exactly the trigger binding: " + bindings);
        return (Map<String, Object>) bindings.get(0);
    }

    @Test
    void stagingHoldsExactlyTheThreeFunctions() throws IOException {
        try (Stream<Path> entries = Files.list(STAGING)) {
            List<String> functions = entries.filter(p -> Files.isRegularFile(p.resolve("function.json")))
                    .map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertEquals(List.of("StanceBlobSync", "StanceEventGridSync", "StanceProducerBlobSync", "StanceQueueWorker",
                    "StanceScheduledSync"), functions);
        }
    }

    /**
     * The staged lib/ holds the Azure SDK's storage and queue clients and no other cloud's SDK
     * (README, "Function artifacts"; -Pwith-aws / -Pwith-gcp add them), nor the CLI's libraries.
     */
    @Test
    void libHoldsOnlyTheAzureSdks() throws IOException {
        List<String> jars;
        try (Stream<Path> entries = Files.list(STAGING.resolve("lib"))) {
            jars = entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertTrue(jars.stream().allMatch(j -> j.endsWith(".jar")), "only jars: " + jars);
        for (String present : List.of("azure-storage-blob-", "azure-storage-queue-", "azure-identity-",
                "azure-core-http-jdk-httpclient-")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(present)), present + " in " + jars);
        }
        for (String absent : List.of("s3-", "sqs-", "google-cloud-storage-", "google-cloud-pubsub-", "picocli-",
                "progressbar-")) {
            assertFalse(jars.stream().anyMatch(j -> j.startsWith(absent)), absent + " in " + jars);
        }
    }

    @Test
    void eventGridFunctionIsAnEventGridTriggerOnTheHandlerJar() throws IOException {
        Map<String, Object> json = functionJson("StanceEventGridSync");
        assertEquals("com.mantissa.stance.sync.azure.StanceSyncFunctions.onEventGrid",
                json.get("entryPoint"));
        String scriptFile = (String) json.get("scriptFile");
        assertTrue(Files.isRegularFile(STAGING.resolve("StanceEventGridSync").resolve(scriptFile).normalize()),
                "scriptFile points at the staged jar: " + scriptFile);
        Map<String, Object> binding = onlyBinding(json);
        assertEquals("eventGridTrigger", binding.get("type"));
        assertEquals("in", binding.get("direction"));
        assertEquals("event", binding.get("name"));
    }

    @Test
    void blobFunctionWatchesJsonlFilesOfTheSourceContainerThroughItsOwnConnection() throws IOException {
        Map<String, Object> binding = onlyBinding(functionJson("StanceBlobSync"));
        assertEquals("blobTrigger", binding.get("type"));
        assertEquals("in", binding.get("direction"));
        assertEquals("%STANCE_SOURCE_CONTAINER%/{name}.jsonl", binding.get("path"));
        assertEquals("STANCE_SOURCE_STORAGE", binding.get("connection"));
        assertEquals("binary", binding.get("dataType"));
        Map<String, Object> producer = onlyBinding(functionJson("StanceProducerBlobSync"));
        assertEquals("%STANCE_SOURCE_CONTAINER%/{name}.json", producer.get("path"));
        assertEquals("STANCE_SOURCE_STORAGE", producer.get("connection"));
    }

    @Test
    void timerFunctionTakesItsScheduleFromAnAppSettingAndRetriesWithBackoff() throws IOException {
        Map<String, Object> json = functionJson("StanceScheduledSync");
        Map<String, Object> binding = onlyBinding(json);
        assertEquals("timerTrigger", binding.get("type"));
        assertEquals("%STANCE_SCHEDULE%", binding.get("schedule"));
        @SuppressWarnings("unchecked")
        Map<String, Object> retry = (Map<String, Object>) json.get("retry");
        assertNotNull(retry, "timer retry policy");
        assertEquals("exponentialBackoff", retry.get("strategy"));
        assertEquals(3L, ((Number) retry.get("maxRetryCount")).longValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void hostJsonUsesTheExtensionBundleSoNoExtensionInstallIsNeeded() throws IOException {
        Map<String, Object> host = JsonParser.parseObject(Files.readString(STAGING.resolve("host.json")));
        assertEquals("2.0", host.get("version"));
        Map<String, Object> bundle = (Map<String, Object>) host.get("extensionBundle");
        assertEquals("Microsoft.Azure.Functions.ExtensionBundle", bundle.get("id"));
        try (Stream<Path> lib = Files.list(STAGING.resolve("lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("stance-sync-core-")), "core staged: " + jars);
            assertFalse(jars.stream().anyMatch(j -> j.startsWith("azure-functions-java-core-library")),
                    "the worker's own ExecutionContext must not be shadowed: " + jars);
        }
    }
}
