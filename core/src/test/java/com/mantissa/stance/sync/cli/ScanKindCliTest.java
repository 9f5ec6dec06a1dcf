package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner.Result;
import com.mantissa.stance.sync.testing.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record kind of a scan file comes from an unambiguous rule only: the exact names
 * findings.jsonl/assets.jsonl (.json too, any case) or {@code --kind}. An asset never lands
 * under findings/.
 */
class ScanKindCliTest {
    private static final String ASSETS = "{\"id\": \"vm-1\", \"cloud_provider\": \"gcp\", \"name\": \"web\"}\n"
            + "{\"id\": \"vm-2\", \"cloud_provider\": \"gcp\", \"name\": \"db\"}\n";

    @TempDir
    Path dir;

    private Result push(Path source, String... extra) {
        String[] base = {"push", "--source", source.toString(), "--central", dir.resolve("central").toString(),
                "--account", "123", "--provider", "gcp"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return CliRunner.run(args);
    }

    private long filesUnder(String folder) throws IOException {
        Path p = dir.resolve("central/aggregated").resolve(folder);
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anOddlyNamedFileWithoutKindIsAUsageErrorAskingForKind() throws IOException {
        Path file = Files.writeString(dir.resolve("gcp-assets-export.jsonl"), ASSETS);

        Result run = push(file);

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--kind"), run.err());
        assertEquals(0, filesUnder("findings"));
        assertEquals(0, filesUnder("assets"));
    }

    @Test
    void kindAssetsPushesAnOddlyNamedFileAsAssets() throws IOException {
        Path file = Files.writeString(dir.resolve("gcp-assets-export.jsonl"), ASSETS);

        Result run = push(file, "--kind", "assets");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, filesUnder("assets"));
        assertEquals(0, filesUnder("findings"));
    }

    @Test
    void capitalisedAssetsFileIsAssets() throws IOException {
        Path file = Files.writeString(dir.resolve("Assets.jsonl"), ASSETS);

        Result run = push(file);

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, filesUnder("assets"));
        assertEquals(0, filesUnder("findings"));
    }

    @Test
    void upperCaseFindingsFileIsFindings() throws IOException {
        Path file = Files.writeString(dir.resolve("FINDINGS.JSONL"), "{\"id\": \"f-1\"}\n");

        Result run = push(file);

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, filesUnder("findings"));
        assertEquals(0, filesUnder("assets"));
    }

    @Test
    void kindThatContradictsTheFileNameIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("assets.jsonl"), ASSETS);

        Result run = push(file, "--kind", "findings");

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--kind"), run.err());
        assertEquals(0, filesUnder("findings"));
    }

    @Test
    void unknownKindIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("export.jsonl"), ASSETS);

        Result run = push(file, "--kind", "vms");

        assertEquals(2, run.exitCode(), run.err());
        assertFalse(Files.exists(dir.resolve("central/aggregated")));
    }
}
