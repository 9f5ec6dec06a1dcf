package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code changes}: what the feed of pushes through the CLI holds, in the promised order and shape. */
class ChangesCommandTest {
    private static final String A = "111111111111";
    private static final String B = "222222222222";

    @TempDir
    Path dir;

    private Path central() {
        return dir.resolve("central");
    }

    private void push(String account, String lines, boolean resolveMissing) throws IOException {
        Path source = dir.resolve("scan-" + account + "-" + System.nanoTime());
        Files.createDirectories(source);
        Files.writeString(source.resolve("findings.jsonl"), lines, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("push", "--source", source.toString(), "--central",
                central().toString(), "--account", account, "--provider", "aws"));
        if (resolveMissing) {
            args.addAll(List.of("--resolve-missing", "--resolve-max-share", "1"));
        }
        CliRunner.Result pushed = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, pushed.exitCode(), pushed.err());
    }

    private static String finding(String id, String status, String severity, String lastSeen) {
        return "{\"id\": \"" + id + "\", \"asset_id\": \"asset-" + id + "\", \"severity\": \"" + severity
                + "\", \"status\": \"" + status + "\", \"title\": \"Title of " + id + "\", \"last_seen\": \""
                + lastSeen + "\"}\n";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> changes(CliRunner.Result result) {
        assertEquals(0, result.exitCode(), result.err());
        return (List<Map<String, Object>>) result.json().get("changes");
    }

    private static List<String> summary(List<Map<String, Object>> changes) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> c : changes) {
            out.add(c.get("account") + " " + c.get("id") + " " + c.get("change") + " " + c.get("severity")
                    + (c.get("previous_severity") == null ? "" : " was " + c.get("previous_severity")));
        }
        return out;
    }

    @Test
    void listsThePushesChangesOldestFirstThenByAccountThenIdInThePromisedShape() throws Exception {
        push(B, finding("z-1", "open", "low", "2026-12-01T00:00:00") + finding("b-1", "open", "high",
                "2026-12-01T00:00:00"), false);
        push(A, finding("a-2", "open", "medium", "2026-12-01T00:00:00") + finding("a-1", "open", "critical",
                "2026-12-01T00:00:00") + finding("a-3", "resolved", "low", "2026-12-01T00:00:00"), false);
        Thread.sleep(5); // the second push of A is a later push
        push(A, finding("a-1", "open", "high", "2026-12-02T00:00:00") + finding("a-3", "open", "low",
                "2026-12-02T00:00:00"), true);

        List<Map<String, Object>> all = changes(CliRunner.run("changes", "--central", central().toString(),
                "--since", "1d", "--json"));

        assertEquals(List.of(
                B + " b-1 opened high", B + " z-1 opened low",
                A + " a-1 opened critical", A + " a-2 opened medium",
                A + " a-1 severity_changed high was critical", A + " a-2 resolved medium", A + " a-3 reopened low"),
                summary(all));
        assertEquals(List.of("at", "account", "provider", "id", "change", "severity", "previous_severity", "title",
                "asset_id", "snapshot"), List.copyOf(all.get(0).keySet()));
        assertEquals("Title of b-1", all.get(0).get("title"));
        assertEquals("asset-b-1", all.get(0).get("asset_id"));
        assertEquals("aws", all.get(0).get("provider"));
        assertTrue(((String) all.get(0).get("at")).endsWith("+00:00"), (String) all.get(0).get("at"));

        assertEquals(List.of(A + " a-1 opened critical", A + " a-1 severity_changed high was critical"),
                summary(changes(CliRunner.run("changes", "--central", central().toString(), "--account", A,
                        "--min-severity", "critical", "--json"))));
        assertEquals(List.of(), changes(CliRunner.run("changes", "--central", central().toString(),
                "--until", "2000-01-01", "--since", "1999-12-01T00:00:00Z", "--json")));
    }

    @Test
    void withoutJsonPrintsATableAndACountPerKind() throws Exception {
        push(A, finding("a-1", "open", "high", "2026-12-01T00:00:00") + finding("a-2", "open", "low",
                "2026-12-01T00:00:00"), false);
        push(A, finding("a-1", "resolved", "high", "2026-12-02T00:00:00") + finding("a-2", "open", "low",
                "2026-12-02T00:00:00"), false);

        CliRunner.Result table = CliRunner.run("changes", "--central", central().toString());

        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("3 changes: opened 2, reopened 0, resolved 1, severity_changed 0"),
                table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.contains(A) && l.contains("resolved") && l.contains("a-1")),
                table.out());
    }

    @Test
    void aFeedLineThatIsNoChangeIsAnErrorNamingItsObjectAndLineAndTheRestStillCount() throws Exception {
        push(A, finding("a-1", "open", "high", "2026-12-01T00:00:00"), false);
        Path object;
        try (var files = Files.walk(central().resolve("aggregated/_changes"))) {
            object = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        Files.writeString(object, Files.readString(object) + "{\"at\": \"yesterday\"}\n");

        CliRunner.Result result = CliRunner.run("changes", "--central", central().toString(), "--json");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, ((List<?>) result.json().get("changes")).size());
        assertTrue(result.err().contains(object.getFileName() + " line 2: field 'at'"), result.err());
    }

    @Test
    void aSinceThatIsNeitherADurationNorATimeIsAUsageError() {
        CliRunner.Result result = CliRunner.run("changes", "--central", central().toString(), "--since", "last week");

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--since: 'last week' is neither a duration"), result.err());
        assertEquals(2, CliRunner.run("changes", "--central", central().toString(), "--min-severity", "severe")
                .exitCode());
    }
}
