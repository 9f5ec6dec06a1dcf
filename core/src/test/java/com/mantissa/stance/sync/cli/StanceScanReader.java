package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads a Stance scan as Stance's storage readers do: the manifest's first snapshot, then its
 * findings.jsonl and assets.jsonl. {@link #readWithPython} runs the Python reader in
 * {@code src/test/python}, which stands in for Stance's own S3Storage (not installed here).
 */
final class StanceScanReader {
    private StanceScanReader() {
    }

    static Map<String, Object> read(StorageAdapter store, String prefix) {
        String base = prefix.isEmpty() ? "" : prefix + "/";
        Map<String, Object> manifest = JsonParser.parseObject(text(store, base + "snapshots/manifest.json"));
        @SuppressWarnings("unchecked")
        String snapshot = (String) ((List<Map<String, Object>>) manifest.get("snapshots")).get(0).get("id");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("snapshot", snapshot);
        out.put("manifest", manifest);
        for (String kind : List.of("findings", "assets")) {
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String line : text(store, base + kind + "/" + snapshot + "/" + kind + ".jsonl").split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JsonParser.parseObject(line));
                }
            }
            out.put(kind, lines);
        }
        return out;
    }

    static Map<String, Object> readWithPython(String location, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path script = Path.of("src/test/python/stance_scan_reader.py").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), location)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python reader did not finish");
        assertEquals(0, process.exitValue(), "python reader failed");
        return JsonParser.parseObject(new String(out, StandardCharsets.UTF_8));
    }

    private static String text(StorageAdapter store, String key) {
        return new String(store.readRecord(key).orElseThrow(() -> new AssertionError("missing " + key)).content(),
                StandardCharsets.UTF_8);
    }
}
