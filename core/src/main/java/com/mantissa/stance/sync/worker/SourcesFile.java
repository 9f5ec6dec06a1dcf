package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.wire.JsonParser;
import com.mantissa.stance.sync.wire.WireFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The list of sources for organisations too large for {@code STANCE_SOURCES}: a JSON Lines file
 * on any store the functions reach ({@code s3://central/_config/sources.jsonl}, named by
 * {@code STANCE_SOURCES_URI}), one object per line:
 * <pre>{"location": "s3://spoke-bucket/stance", "account": "123456789012", "provider": "aws"}</pre>
 * {@code provider} may be left out; it then follows the location's scheme. {@code format}
 * ({@code stance}, {@code ocsf}, {@code asff}) forces how the source's files are read; left out,
 * {@code STANCE_SOURCE_FORMAT} or each file's name or first record decides. Blank lines are
 * ignored. A bad line is an error naming its line, and every good line is still returned.
 */
public final class SourcesFile {
    public static final String SOURCES_URI = Settings.SOURCES_URI.env();
    private static final Set<String> KEYS = Set.of("location", "account", "provider", "format");

    /** The good lines' sources, in file order, and one error per bad line. */
    public record Contents(List<SourceSpec> sources, List<String> errors) {
        public Contents {
            sources = List.copyOf(sources);
            errors = List.copyOf(errors);
        }
    }

    private SourcesFile() {
    }

    /**
     * Reads the sources file {@code uri} names (a store location or a local path).
     *
     * @throws IllegalArgumentException when {@code uri} is not a location
     * @throws com.mantissa.stance.sync.storage.StorageException when the file cannot be read
     *         (absent: {@link com.mantissa.stance.sync.storage.NotFoundException})
     */
    public static Contents read(Stores stores, String uri) {
        StorageLocation location = StorageLocation.parse(uri);
        String name = location.toString();
        try (InputStream in = location.scheme() == StorageLocation.Scheme.FILE
                ? Files.newInputStream(location.folder())
                : stores.open(location).openStream(location.prefixOr(""))) {
            return parse(StorageLocation.redact(name), in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + StorageLocation.redact(name) + ": " + e.getMessage(), e);
        }
    }

    /** Parses a sources file's content; {@code name} is what errors call the file. */
    public static Contents parse(String name, InputStream content) throws IOException {
        List<SourceSpec> sources = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                sources.add(source(line));
            } catch (RuntimeException e) {
                if (!(e instanceof IllegalArgumentException || e instanceof WireFormatException
                        || e instanceof InvalidRecordException)) {
                    throw e;
                }
                errors.add(name + " line " + number + ": " + e.getMessage());
            }
        }
        return new Contents(sources, errors);
    }

    private static SourceSpec source(String line) {
        Map<String, Object> entry = JsonParser.parseObject(line.strip());
        for (String key : entry.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key
                        + "' (expected location, account, provider, format)");
            }
        }
        StorageLocation location = StorageLocation.parse(text(entry, "location", true));
        if (location.scheme() == StorageLocation.Scheme.FILE && !location.toString().startsWith("file:")
                && !location.folder().isAbsolute()) {
            throw new IllegalArgumentException("location must be absolute");
        }
        String format = text(entry, "format", false);
        return SourceSpec.of(location, text(entry, "account", true), text(entry, "provider", false))
                .withFormat(format == null ? null : Format.parse(format, "format"));
    }

    private static String text(Map<String, Object> entry, String key, boolean required) {
        Object value = entry.get(key);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' must be a non-empty string, got " + value);
        }
        return s.strip();
    }

    /** One line of a sources file for {@code source}, the inverse of reading it. */
    public static String line(SourceSpec source) {
        Map<String, Object> line = new java.util.LinkedHashMap<>(Map.of("location", source.location().toString(),
                "account", source.accountId(), "provider", source.provider()));
        if (source.format() != null) {
            line.put("format", source.format().value());
        }
        return com.mantissa.stance.sync.wire.CanonicalJson.write(line);
    }
}
