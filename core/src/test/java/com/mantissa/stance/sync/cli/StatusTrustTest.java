package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} tells a complete push from an attempt that did not complete, and says so when
 * what it reads is wrong: a push time in the future, a prefix with no state, an unreadable
 * status object.
 */
class StatusTrustTest {
    /** A deadline that has passed before the first record is written: every record is left unattempted. */
    private static final String PASSED_DEADLINE = "PT0.000000001S";

    @TempDir
    Path dir;

    String central() {
        return dir.resolve("central").toString();
    }

    CliRunner.Result push(String account, int findings, String... extra) throws IOException {
        return push(account, "aws", findings, extra);
    }

    CliRunner.Result push(String account, String provider, int findings, String... extra) throws IOException {
        Path scan = dir.resolve("scans/" + account + "-" + provider + "-" + findings + "-" + extra.length);
        Files.createDirectories(scan);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            lines.append("{\"id\": \"").append(provider).append("-f-").append(i)
                    .append("\", \"severity\": \"high\", \"status\": \"open\", "
                    + "\"title\": \"t\", \"last_seen\": \"2026-11-24T06:00:00\"}\n");
        }
        Files.writeString(scan.resolve("findings.jsonl"), lines);
        Files.writeString(scan.resolve("assets.jsonl"), "");
        String[] base = {"push", "--source", scan.toString(), "--central", central(), "--account", account,
            "--provider", provider};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    CliRunner.Result status(String... extra) {
        String[] base = {"status", "--central", central(), "--json"};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(CliRunner.Result status, String account) {
        return ((List<Map<String, Object>>) status.json().get("accounts")).stream()
                .filter(row -> account.equals(row.get("account"))).toList();
    }

    static Map<String, Object> row(CliRunner.Result status, String account) {
        List<Map<String, Object>> rows = rows(status, account);
        assertEquals(1, rows.size(), status.out());
        return rows.get(0);
    }

    @Test
    void oneAccountIdOnTwoProvidersShowsBothAndPruningOneLeavesTheOther() throws IOException {
        assertEquals(0, push("111111111111", "aws", 3).exitCode());
        assertEquals(0, push("111111111111", "azure", 5).exitCode());

        CliRunner.Result both = status();

        assertEquals(0, both.exitCode(), both.err());
        Map<Object, Object> findingsByProvider = new java.util.HashMap<>();
        rows(both, "111111111111").forEach(row -> findingsByProvider.put(row.get("provider"), row.get("findings")));
        assertEquals(Map.of("aws", 3L, "azure", 5L), findingsByProvider, both.out());

        CliRunner.Result prune = CliRunner.run("prune", "--central", central(), "--account", "111111111111",
                "--provider", "azure");
        assertEquals(0, prune.exitCode(), prune.err());

        CliRunner.Result after = status();
        Map<String, Object> left = row(after, "111111111111");
        assertEquals("aws", left.get("provider"), after.out());
        assertEquals(3L, left.get("findings"), after.out());
    }

    @Test
    void aCompletePushIsTheLastPushAndTheLatestAttempt() throws IOException {
        assertEquals(0, push("111111111111", 5).exitCode());

        CliRunner.Result status = status();

        assertEquals(0, status.exitCode(), status.err());
        Map<String, Object> row = row(status, "111111111111");
        assertEquals(5L, row.get("findings"));
        assertNotNull(row.get("last_push"));
        assertEquals(row.get("last_push"), row.get("last_attempt"));
        assertEquals(true, row.get("last_attempt_ok"));
        assertFalse(row.containsKey("last_error"), row.toString());
        assertEquals(false, row.get("stale"));
    }

    @Test
    void aPushCutByItsDeadlineIsAnAttemptNotAPush() throws IOException {
        assertEquals(0, push("111111111111", 5).exitCode());
        String complete = (String) row(status(), "111111111111").get("last_push");

        CliRunner.Result cut = push("111111111111", 8, "--deadline", PASSED_DEADLINE);
        assertEquals(1, cut.exitCode(), cut.err());

        CliRunner.Result status = status();
        Map<String, Object> row = row(status, "111111111111");
        assertEquals(5L, row.get("findings"), "the counts of the last complete push: " + row);
        assertEquals(complete, row.get("last_push"));
        assertNotEquals(complete, row.get("last_attempt"));
        assertEquals(false, row.get("last_attempt_ok"));
        assertTrue(String.valueOf(row.get("last_error")).contains("deadline"), row.toString());
        assertEquals(false, row.get("stale"), "the complete push is recent");
    }

    @Test
    void anAccountWhosePushesNeverCompletedIsStale() throws IOException {
        assertEquals(1, push("222222222222", 8, "--deadline", PASSED_DEADLINE).exitCode());

        CliRunner.Result status = status();

        assertEquals(1, status.exitCode(), status.err());
        Map<String, Object> row = row(status, "222222222222");
        assertNull(row.get("last_push"), row.toString());
        assertNull(row.get("findings"), "no complete push, no counts: " + row);
        assertNotNull(row.get("last_attempt"));
        assertEquals(false, row.get("last_attempt_ok"));
        assertEquals(true, row.get("stale"));
    }

    @Test
    void aLastPushInTheFutureIsStale() throws IOException {
        assertEquals(0, push("111111111111", 2).exitCode());
        Path object = dir.resolve("central/aggregated/_state/111111111111/status.aws.json");
        String stored = Files.readString(object);
        Files.writeString(object, stored.replaceAll("\"last_push\": \"[^\"]+\"", "\"last_push\": \"2099-01-01T00:00:00+00:00\""));

        CliRunner.Result status = status();

        assertEquals(1, status.exitCode(), status.err());
        assertEquals(true, row(status, "111111111111").get("stale"));
    }

    @Test
    void aPrefixWithNoStateIsAConfigurationError() throws IOException {
        assertEquals(0, push("111111111111", 2).exitCode());

        CliRunner.Result status = status("--prefix", "agregated");

        assertEquals(2, status.exitCode(), status.err());
        assertTrue(String.valueOf(status.json().get("error")).contains("agregated/_state/"), status.out());
    }

    @Test
    void anUnreadableStatusObjectIsAnErrorNamingItNotNever() throws IOException {
        assertEquals(0, push("111111111111", 2).exitCode());
        Files.writeString(dir.resolve("central/aggregated/_state/111111111111/status.aws.json"), "{not json");

        CliRunner.Result json = status();
        CliRunner.Result table = CliRunner.run("status", "--central", central());

        assertEquals(1, json.exitCode(), json.err());
        assertTrue(String.valueOf(row(json, "111111111111").get("error")).contains("status.aws.json"), json.out());
        assertFalse(table.out().contains("never"), table.out());
        assertTrue(table.out().contains("unreadable"), table.out());
        assertTrue(table.err().contains("status.aws.json"), table.err());
    }
}
