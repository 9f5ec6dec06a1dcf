package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push its deadline cut before it attempted every record runs no resolve pass: the pass
 * would go on writing after the deadline, and resolve an account from a push that did not
 * happen. Found by {@link CentralModelTest}.
 */
class DeadlineCutResolveTest {
    /** One nanosecond: passed before the push makes its first store call. */
    static final String CUT_AT_ONCE = "PT0.000000001S";

    @TempDir
    Path dir;

    @Test
    void aForcedResolveCutByItsDeadlineResolvesAndRemovesNothing() throws IOException {
        Path central = dir.resolve("central");
        Files.createDirectories(central);
        Path first = scan("first", "f1", "f2", "a1");
        assertEquals(0, push(first, central).exitCode());
        Path shorter = scan("shorter", "f1");

        CliRunner.Result cut = push(shorter, central, "--deadline", CUT_AT_ONCE, "--resolve-missing",
                "--force-resolve");

        assertEquals(1, cut.exitCode(), cut.err());
        assertTrue(cut.err().contains("deadline"), cut.err());
        Map<String, Object> f2 = records(central).get("f2");
        assertEquals("open", f2.get("status"), "not resolved by a push that did not happen: " + f2);
        assertTrue(records(central).containsKey("a1"), "not removed by a push that did not happen");
        assertEquals(3, records(central).size());
    }

    private CliRunner.Result push(Path scan, Path central, String... more) {
        String[] base = {"push", "--source", scan.toString(), "--central", central.toString(), "--account",
                "111111111111", "--provider", "aws"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRunner.run(args);
    }

    /** A scan with the named findings ({@code f…}, open) and assets ({@code a…}). */
    private Path scan(String name, String... ids) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        StringBuilder findings = new StringBuilder();
        StringBuilder assets = new StringBuilder();
        for (String id : ids) {
            if (id.startsWith("f")) {
                findings.append("{\"id\": \"").append(id).append("\", \"severity\": \"high\", \"status\": \"open\", ")
                        .append("\"title\": \"t\", \"last_seen\": \"2026-12-01T06:01:00\"}\n");
            } else {
                assets.append("{\"id\": \"").append(id).append("\", \"resource_type\": \"vm\", \"name\": \"n\", ")
                        .append("\"last_seen\": \"2026-12-01T06:01:00\"}\n");
            }
        }
        Files.writeString(folder.resolve("findings.jsonl"), findings);
        Files.writeString(folder.resolve("assets.jsonl"), assets);
        return folder;
    }

    private static Map<String, Map<String, Object>> records(Path central) throws IOException {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(central.resolve("aggregated"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("_state"))
                    .toList()) {
                Map<String, Object> record = JsonParser.parseObject(Files.readString(p));
                out.put((String) record.get("id"), record);
            }
        }
        return out;
    }
}
