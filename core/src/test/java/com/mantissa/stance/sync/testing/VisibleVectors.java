package com.mantissa.stance.sync.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interop vectors the Python original produced ({@code ../shared/vectors}, copied into
 * test resources so a clone tests on its own): the visible scan, and per record the path and
 * content the original writes for account 123456789012, provider aws, default config.
 */
public final class VisibleVectors {
    public static final String ACCOUNT = "123456789012";
    public static final String PROVIDER = "aws";

    private VisibleVectors() {
    }

    /** One expected central record: its key and its content without {@code _synced_at}. */
    public record Expected(String kind, String path, Map<String, Object> record) {
    }

    public static List<Expected> expected() {
        List<Expected> all = new ArrayList<>();
        for (String line : resource("vectors/visible-expected.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> entry = JsonParser.parseObject(line);
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (Map<String, Object>) entry.get("record");
            all.add(new Expected((String) entry.get("kind"), (String) entry.get("path"), record));
        }
        return all;
    }

    /** Copies the visible scan (findings.jsonl, assets.jsonl) into {@code folder}. */
    public static Path copyScanTo(Path folder) {
        try {
            Files.createDirectories(folder);
            for (String name : List.of("findings.jsonl", "assets.jsonl")) {
                Files.writeString(folder.resolve(name), resource("vectors/visible-scan/" + name));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of one scan file. */
    public static byte[] scanFile(String name) {
        return resource("vectors/visible-scan/" + name).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Asserts that {@code store} holds exactly the expected records at the expected keys:
     * identical content apart from {@code _synced_at} (a time) and {@code _version} (ours).
     */
    public static void assertCentralMatches(StorageAdapter store) {
        assertCentralMatches(store, PROVIDER);
    }

    /**
     * The same for a push whose source is on {@code provider}'s cloud: only
     * {@code _source_provider} differs from the vectors; paths and checksums do not.
     */
    public static void assertCentralMatches(StorageAdapter store, String provider) {
        List<Expected> expected = expected();
        for (Expected e : expected) {
            StoredObject object = store.readRecord(e.path())
                    .orElseThrow(() -> new AssertionError("missing " + e.path()));
            Map<String, Object> actual = new LinkedHashMap<>(
                    JsonParser.parseObject(new String(object.content(), StandardCharsets.UTF_8)));
            assertTrue(actual.containsKey("_synced_at"), e.path() + " has _synced_at");
            assertEquals(1L, actual.get("_version"), e.path() + " written once");
            actual.remove("_synced_at");
            actual.remove("_version");
            Map<String, Object> wanted = new LinkedHashMap<>(e.record());
            wanted.put("_source_provider", provider);
            assertEquals(CanonicalJson.write(wanted), CanonicalJson.write(actual), e.path());
        }
        List<String> keys = new ArrayList<>(store.listRecords("aggregated/findings/"));
        keys.addAll(store.listRecords("aggregated/assets/"));
        assertEquals(expected.size(), keys.size(), "no record beyond the expected ones");
    }

    private static String resource(String name) {
        try (InputStream in = VisibleVectors.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
