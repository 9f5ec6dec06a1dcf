package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scan that was not read whole and clean is no grounds for resolving anything: what its
 * damaged line held is unknown. The push writes what it can read, runs no resolve pass for the
 * account, and says why.
 */
class DamagedScanResolveTest {
    private static final String GOOD = """
            {"id": "f-0", "finding_type": "misconfiguration", "severity": "high", "status": "open", "title": "Zero"}
            {"id": "f-1", "finding_type": "misconfiguration", "severity": "high", "status": "open", "title": "One"}
            {"id": "f-2", "finding_type": "misconfiguration", "severity": "high", "status": "open", "title": "Two"}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"a line cut after its id", "a file truncated mid-line"})
    void aDamagedRescanResolvesNothing(String damage, @TempDir Path dir) throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Path central = dir.resolve("central");
        Files.writeString(scan.resolve("findings.jsonl"), GOOD);
        assertEquals(0, push(scan, central).exitCode());

        String damaged = damage.startsWith("a line cut")
                ? GOOD.replace("{\"id\": \"f-1\", \"finding_type\": \"misconfiguration\", \"severity\": \"high\", "
                        + "\"status\": \"open\", \"title\": \"One\"}", "{\"id\": \"f-1\", \"find")
                : GOOD.substring(0, GOOD.indexOf("\"title\": \"Two\""));
        Files.writeString(scan.resolve("findings.jsonl"), damaged);
        CliRunner.Result r = push(scan, central);

        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("no resolve pass") && r.err().contains("is not a record"), r.err());
        for (String id : new String[] {"f-0", "f-1", "f-2"}) {
            Path record = central.resolve(RecordPaths.findingPath("aggregated", "111111111111", id));
            assertEquals("open", JsonParser.parseObject(Files.readString(record)).get("status"), damage + ": " + id);
        }
    }

    private static CliRunner.Result push(Path scan, Path central) {
        return CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(), "--account",
                "111111111111", "--provider", "aws", "--resolve-missing", "--resolve-max-share", "1");
    }
}
