package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A central that cannot be used at all is one error on stderr, in a real process where
 * everything the JVM prints (log records included) is seen, not only the CLI's own writer.
 */
@org.junit.jupiter.api.Tag("slow")
class MisconfiguredCentralCliTest {
    @TempDir
    Path dir;

    @Test
    void aCentralThatIsARegularFileIsExactlyOneStderrLine() throws IOException {
        Path scan = dir.resolve("findings.jsonl");
        Files.writeString(scan, IntStream.range(0, 30)
                .mapToObj(i -> "{\"id\": \"f-" + i + "\", \"last_seen\": \"2026-01-01T00:00:00Z\"}")
                .collect(Collectors.joining("\n", "", "\n")));
        Path central = Files.writeString(dir.resolve("central-file"), "not a folder");

        CliProcess.Result run = CliProcess.run(List.of("-Xmx128m"), Map.of(), Duration.ofMinutes(2),
                "push", "--source", scan.toString(), "--central", central.toString(),
                "--account", "123456789012", "--provider", "aws");

        assertEquals(2, run.exitCode(), run.err());
        List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).contains(central.toString()), lines.get(0));
        assertEquals("not a folder", Files.readString(central));
    }
}
