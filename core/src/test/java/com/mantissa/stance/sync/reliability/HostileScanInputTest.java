package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, end to end through the CLI into a folder store: malformed lines, wrong
 * types, huge lines and ids or accounts built to leave the central prefix. Every bad line is
 * one error naming file and line, the good records sync, and no file appears anywhere but
 * under {@code central/aggregated/<kind>/<md5>/<account>/}.
 */
class HostileScanInputTest {
    static final String ACCOUNT = "123456789012";

    @TempDir
    Path dir;

    /** One scan line: its bytes and, for a bad line, what its error must say. */
    record Line(byte[] bytes, String expectedError, String legalId) {
        static Line good(String json, String id) {
            return new Line(json.getBytes(StandardCharsets.UTF_8), null, id);
        }

        static Line bad(String json, String error) {
            return new Line(json.getBytes(StandardCharsets.UTF_8), error, null);
        }
    }

    @Test
    void hostileFindingsAreLineErrorsGoodOnesSyncAndNothingLeavesTheCentralPrefix() throws IOException {
        List<Line> lines = List.of(
                Line.good("{\"id\": \"good-1\", \"severity\": \"HIGH\"}", "good-1"),
                Line.bad("not json at all", "invalid JSON at column 1"),
                Line.bad("{\"id\": 42}", "finding id must be a string"),
                Line.bad("{\"id\": \"sev-list\", \"severity\": [\"high\"]}", "invalid severity"),
                Line.bad("{\"id\": \"status-num\", \"status\": 3}", "invalid status"),
                Line.bad("[1, 2]", "expected a JSON object"),
                Line.bad("{\"id\": \"truncated\"", "invalid JSON"),
                Line.bad("{\"id\": \"../../../escape\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"a/../../b\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"/etc/passwd\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"..\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"a/./b\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"a//b\"}", "unsafe finding id"),
                Line.bad("{\"id\": \"..\\\\..\\\\windows\"}", "contains a backslash"),
                Line.bad("{\"id\": \"C:\\\\evil\"}", "contains a backslash"),
                Line.bad("{\"id\": \"nul\\u0000byte\"}", "contains a control character"),
                Line.bad("{\"id\": \"new\\nline\"}", "contains a control character"),
                Line.bad("{\"id\": \"lone\\ud800surrogate\"}", "contains a lone surrogate"),
                // Not '/', so legal names that stay one path segment inside the account folder.
                Line.good("{\"id\": \"..%2F..%2Fencoded\"}", "..%2F..%2Fencoded"),
                Line.good("{\"id\": \"division\\u2215..\\u2215slash\"}", "division\u2215..\u2215slash"),
                Line.good("{\"id\": \"fullwidth\\uff0f..\\uff0fsolidus\"}", "fullwidth\uff0f..\uff0fsolidus"),
                Line.good("{\"id\": \"nested/finding/id\"}", "nested/finding/id"),
                Line.good("{\"id\": \"...\"}", "..."),
                // Wrong but harmless types pass through as the original does.
                Line.good("{\"id\": \"odd-types\", \"compliance_frameworks\": \"CIS\", \"cvss_score\": \"9.8\", "
                        + "\"title\": 7}", "odd-types"),
                // A datetime the original's fromisoformat refuses rejects the record.
                Line.bad("{\"id\": \"numeric-time\", \"last_seen\": 12345}", "invalid last_seen 12345"),
                new Line(new byte[] {'{', '"', 'i', 'd', '"', ':', ' ', '"', (byte) 0xc3, (byte) 0x28, '"', '}'},
                        "invalid UTF-8", null),
                Line.good("{\"id\": \"big-valid\", \"description\": \"" + "d".repeat(1_000_000) + "\"}", "big-valid"),
                Line.bad("{\"id\": \"huge\", \"description\": \"" + "h".repeat(9 * 1024 * 1024) + "\"}",
                        "line longer than 8388608 bytes"),
                Line.good("{\"id\": \"good-2\"}", "good-2"));
        Path scan = Files.createDirectories(dir.resolve("scan"));
        try (OutputStream out = Files.newOutputStream(scan.resolve("findings.jsonl"))) {
            for (Line line : lines) {
                out.write(line.bytes());
                out.write('\n');
            }
        }
        Path central = dir.resolve("central");

        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(),
                "--account", ACCOUNT, "--provider", "aws", "--json");

        assertEquals(1, run.exitCode(), run.err());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) result.get("errors");
        List<String> expectedPrefixes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).expectedError() != null) {
                expectedPrefixes.add("findings.jsonl line " + (i + 1) + ": ");
            }
        }
        assertEquals(expectedPrefixes.size(), errors.size(), String.join("\n", errors));
        for (int i = 0, e = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (line.expectedError() != null) {
                String error = errors.get(e++);
                assertTrue(error.startsWith("findings.jsonl line " + (i + 1) + ": "), error);
                assertTrue(error.contains(line.expectedError()), () -> "line " + line.expectedError() + ": " + error);
                assertTrue(error.length() < 1000, "an error does not echo a huge line");
            }
        }
        long good = lines.stream().filter(l -> l.legalId() != null).count();
        assertEquals(good, result.get("records_synced"));

        assertEverythingInside(central, ACCOUNT);
        TreeSet<String> written = recordFiles(central).stream()
                .map(p -> central.resolve("aggregated/findings").relativize(p).toString())
                .map(p -> p.substring(5 + ACCOUNT.length() + 1)) // "<md5>/<account>/"
                .collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> expected = lines.stream().filter(l -> l.legalId() != null).map(l -> l.legalId() + ".json")
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, written, "each legal id is exactly one file named after it");
    }

    @Test
    void hostileAssetIdsStayOneFileInsideTheAccountFolder() throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Files.writeString(scan.resolve("assets.jsonl"), String.join("\n",
                "{\"id\": \"/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa\"}",
                "{\"id\": \"../../../../etc/cron.d/evil\"}",
                "{\"id\": \"arn:aws:iam::123456789012:role/../../x\"}",
                "{\"id\": \"back\\\\slash\"}",
                "{\"id\": \"tags-as-string\", \"tags\": \"not-a-map\"}",
                "{\"id\": [\"list\"]}") + "\n", StandardCharsets.UTF_8);
        Path central = dir.resolve("central");

        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(),
                "--account", ACCOUNT, "--provider", "azure", "--json");

        assertEquals(1, run.exitCode(), run.err());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        assertEquals(4L, result.get("records_synced"), run.out());
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) result.get("errors");
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("assets.jsonl line 4: unsafe asset id"), errors.get(0));
        assertTrue(errors.get(1).startsWith("assets.jsonl line 6: asset id must be a string"), errors.get(1));
        assertEverythingInside(central, ACCOUNT);
        assertTrue(recordFiles(central).stream().anyMatch(p -> p.getFileName().toString()
                .equals(".._.._.._.._etc_cron.d_evil.json")), "'/' in an asset id becomes '_'");
    }

    @Test
    void accountsBuiltToEscapeAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path scan = Files.createDirectories(dir.resolve("scan"));
        Files.writeString(scan.resolve("findings.jsonl"), "{\"id\": \"f-1\"}\n");
        Path central = dir.resolve("central");

        for (String account : List.of("../../evil", "..", ".", "", "a/b", "a\\b", "nul\u0000", "/abs")) {
            CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central",
                    central.toString(), "--account", account, "--provider", "aws");
            assertEquals(2, run.exitCode(), () -> "account '" + account + "': " + run.err());
            assertTrue(run.err().contains("--account"), run.err());
        }
        assertTrue(Files.notExists(central), "nothing written for a refused account");

        // Look-alikes of '/' are not separators: a legal account name, one folder.
        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(),
                "--account", "acct\u2215..\uff0f..", "--provider", "aws");
        assertEquals(0, run.exitCode(), run.err());
        assertEverythingInside(central, "acct\u2215..\uff0f..");
    }

    /**
     * Every file below {@code dir} is in the scan, the store's lock folder, the account's state
     * folder, its change feed or a record in its account folder.
     */
    private void assertEverythingInside(Path central, String account) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                if (p.startsWith(dir.resolve("scan")) || p.startsWith(central.resolve(".stance-sync/locks"))) {
                    continue;
                }
                Path rel = central.resolve("aggregated").relativize(p);
                assertTrue(p.normalize().startsWith(central.resolve("aggregated")), "outside the prefix: " + p);
                if (rel.toString().equals(CrossCloudSync.indexPath("", account))
                        || rel.toString().matches("_state/" + account
                                + "/(status(-findings|-assets)?|attempt)\\.(aws|gcp|azure)\\.json")) {
                    continue; // the account's own push index and status, files in its own state folder
                }
                if (rel.getNameCount() == 4 && rel.getName(0).toString().equals("_changes")
                        && rel.getName(1).toString().equals(account)
                        && rel.getName(2).toString().matches("dt=\\d{4}-\\d{2}-\\d{2}")
                        && rel.getName(3).toString().matches("[0-9a-f]{32}\\.jsonl")) {
                    continue; // the account's own change feed
                }
                assertTrue(rel.getNameCount() >= 4, "a record file: " + rel);
                assertTrue(rel.getName(0).toString().equals("findings") || rel.getName(0).toString().equals("assets"),
                        rel.toString());
                assertTrue(rel.getName(1).toString().matches("[0-9a-f]{4}"), rel.toString());
                assertEquals(account, rel.getName(2).toString(), rel.toString());
                assertTrue(p.toString().endsWith(".json"), rel.toString());
            }
        }
    }

    /** Files under the central prefix except the push index, which {@link #assertEverythingInside} checks. */
    private static List<Path> recordFiles(Path central) throws IOException {
        try (Stream<Path> files = Files.walk(central.resolve("aggregated"))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(central.resolve("aggregated").resolve("_state")))
                    .filter(p -> !p.startsWith(central.resolve("aggregated").resolve("_changes"))).toList();
        }
    }
}
