package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.testing.CliRunner.Result;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StanceSyncCliTest {
    @TempDir
    Path dir;

    @Test
    void pushOfTheVisibleScanFolderMatchesTheOriginal() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));
        Path central = dir.resolve("central");

        Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(),
                "--account", VisibleVectors.ACCOUNT, "--provider", "aws", "--json");

        assertEquals(0, run.exitCode(), run.err());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        assertEquals(List.of("success", "records_synced", "records_skipped", "conflicts_resolved", "errors",
                "duration_seconds", "sync_direction"), List.copyOf(result.keySet()));
        assertEquals(52L, result.get("records_synced"));
        assertEquals("push", result.get("sync_direction"));
        VisibleVectors.assertCentralMatches(new LocalStorageAdapter(central));
    }

    @Test
    void rePushIsSkippedAndFileUriWorksLikeAPath() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));
        String central = dir.resolve("central").toUri().toString();
        CliRunner.run("push", "--source", scan.toString(), "--central", central, "--account", "1", "--provider", "gcp");

        Result again = CliRunner.run("push", "--source", scan.resolve("findings.jsonl").toString(), "--central",
                central, "--account", "1", "--provider", "gcp", "--json");

        assertEquals(0, again.exitCode(), again.err());
        Map<String, Object> result = JsonParser.parseObject(again.out().strip());
        assertEquals(0L, result.get("records_synced"));
        assertEquals(40L, result.get("records_skipped"));
    }

    @Test
    void scanPrefixWithManifestPushesTheLatestSnapshot() throws IOException {
        Path prefix = dir.resolve("stance");
        Files.createDirectories(prefix.resolve("snapshots"));
        Files.writeString(prefix.resolve("snapshots/manifest.json"),
                "{\"snapshots\": [{\"id\": \"snap-2\"}, {\"id\": \"snap-1\"}]}");
        VisibleVectors.copyScanTo(prefix.resolve("tmp"));
        Files.createDirectories(prefix.resolve("findings/snap-2"));
        Files.move(prefix.resolve("tmp/findings.jsonl"), prefix.resolve("findings/snap-2/findings.jsonl"));
        Files.createDirectories(prefix.resolve("findings/snap-1"));
        Files.writeString(prefix.resolve("findings/snap-1/findings.jsonl"), "{\"id\": \"old-only\"}\n");

        Result run = CliRunner.run("push", "--source", prefix.toString(), "--central", dir.resolve("c").toString(),
                "--account", "123", "--provider", "aws", "--no-assets", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(40L, JsonParser.parseObject(run.out().strip()).get("records_synced"));
    }

    @Test
    void badLinesExitOneWithOneErrorPerLineNamingIt() throws IOException {
        Path scan = dir.resolve("scan");
        Files.createDirectories(scan);
        Files.writeString(scan.resolve("findings.jsonl"), String.join("\n",
                "{\"id\": \"ok-1\"}", "{\"id\": \"../../etc/passwd\"}", "not json", "",
                "{\"id\": \"ok-2\", \"status\": \"closed\"}", "{\"id\": \"ok-3\"}") + "\n");
        Path central = dir.resolve("central");

        Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(), "--account",
                "123", "--provider", "aws", "--json");

        assertEquals(1, run.exitCode());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        assertEquals(false, result.get("success"));
        assertEquals(2L, result.get("records_synced"));
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) result.get("errors");
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("findings.jsonl line 2: "), errors.get(0));
        assertTrue(errors.get(1).startsWith("findings.jsonl line 3: "), errors.get(1));
        assertTrue(errors.get(2).startsWith("findings.jsonl line 5: invalid status 'closed'"), errors.get(2));
        assertTrue(run.err().contains("findings.jsonl line 3"), "errors also go to stderr");
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.filter(Files::isRegularFile).allMatch(p -> p.startsWith(scan) || p.startsWith(central)),
                    "nothing written outside the central folder");
        }
    }

    @Test
    void pullCopiesCentralIntoTheTarget() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));
        Path central = dir.resolve("central");
        CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(), "--account",
                VisibleVectors.ACCOUNT, "--provider", "aws");

        Result run = CliRunner.run("pull", "--central", central.toString(), "--target",
                dir.resolve("replica").toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(52L, JsonParser.parseObject(run.out().strip()).get("records_synced"));
        VisibleVectors.assertCentralMatches(new LocalStorageAdapter(dir.resolve("replica")));
    }

    @Test
    void syncPushesThenPulls() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));

        Result run = CliRunner.run("sync", "--source", scan.toString(), "--central", dir.resolve("central").toString(),
                "--target", dir.resolve("replica").toString(), "--account", VisibleVectors.ACCOUNT,
                "--provider", "aws", "--json");

        assertEquals(0, run.exitCode(), run.err());
        Map<String, Object> result = JsonParser.parseObject(run.out().strip());
        assertEquals(104L, result.get("records_synced"));
        assertEquals("bidirectional", result.get("sync_direction"));
    }

    @Test
    void usageErrorsExitTwoAndNameTheFlag() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));
        String c = dir.resolve("central").toString();
        assertUsage(CliRunner.run("push", "--source", scan.toString(), "--central", c, "--account", "1",
                "--provider", "ibm"), "--provider");
        assertUsage(CliRunner.run("push", "--source", scan.toString(), "--central", c, "--account", "1",
                "--provider", "aws", "--conflict", "newest"), "--conflict");
        assertUsage(CliRunner.run("push", "--source", scan.toString(), "--central", c, "--account", "1",
                "--provider", "aws", "--batch-size", "0"), "--batch-size");
        assertUsage(CliRunner.run("push", "--source", scan.toString(), "--central", "ftp://x", "--account", "1",
                "--provider", "aws"), "--central");
        assertUsage(CliRunner.run("push", "--source", dir.resolve("missing").toString(), "--central", c, "--account",
                "1", "--provider", "aws"), "--source");
        assertUsage(CliRunner.run("push", "--source", scan.toString(), "--central", c, "--account", "../x",
                "--provider", "aws"), "--account");
        assertUsage(CliRunner.run("push", "--central", c), "--source");
        assertUsage(CliRunner.run(), "push");
    }

    private static void assertUsage(Result run, String flag) {
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(flag), "message names " + flag + ": " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void dryRunWritesNothing() {
        Path scan = VisibleVectors.copyScanTo(dir.resolve("scan"));
        Path central = dir.resolve("central");

        Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central.toString(), "--account",
                "1", "--provider", "aws", "--dry-run", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(52L, JsonParser.parseObject(run.out().strip()).get("records_synced"));
        // Nothing written: not even the central folder was created.
        assertFalse(java.nio.file.Files.exists(central), "a dry run created " + central);
    }
}
