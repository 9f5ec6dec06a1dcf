package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.ExportResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export never leaves its target wrong: a losing concurrent export removes what it wrote, an
 * unchanged export checks that the snapshots its manifest names are there, and a target whose
 * manifest lists snapshots export did not write is refused.
 */
class ExportTargetTrustTest {
    @TempDir
    Path dir;

    Path central() {
        return dir.resolve("central");
    }

    Path target() {
        return dir.resolve("export");
    }

    void push(String account, int findings) throws IOException {
        Path scan = dir.resolve("scans/" + account + "-" + findings);
        Files.createDirectories(scan);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            lines.append("{\"id\": \"f-").append(i).append("\", \"severity\": \"high\", \"status\": \"open\", "
                    + "\"title\": \"t\", \"last_seen\": \"2026-11-24T06:00:00\"}\n");
        }
        Files.writeString(scan.resolve("findings.jsonl"), lines);
        Files.writeString(scan.resolve("assets.jsonl"), "{\"id\": \"a-1\", \"resource_type\": \"s3_bucket\"}\n");
        CliRunner.Result run = CliRunner.run("push", "--source", scan.toString(), "--central", central().toString(),
                "--account", account, "--provider", "aws");
        assertEquals(0, run.exitCode(), run.err());
    }

    CliRunner.Result export(String... extra) {
        String[] base = {"export", "--central", central().toString(), "--target", target().toString(), "--json"};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> manifest() throws IOException {
        return (List<Map<String, Object>>) JsonParser.parseObject(
                Files.readString(target().resolve("snapshots/manifest.json"))).get("snapshots");
    }

    /** The snapshot folders that hold a file (a folder store keeps emptied folders; an object store has none). */
    List<Path> snapshotFolders() throws IOException {
        List<Path> folders = new java.util.ArrayList<>();
        for (String kind : List.of("findings", "assets")) {
            Path parent = target().resolve(kind);
            if (Files.isDirectory(parent)) {
                try (Stream<Path> files = Files.walk(parent)) {
                    files.filter(Files::isRegularFile).map(Path::getParent).distinct().sorted().forEach(folders::add);
                }
            }
        }
        return folders;
    }

    @Test
    void exportedEntriesCarryTheAggregateAccountMarker() throws IOException {
        push("111111111111", 3);
        CliRunner.Result run = export();
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("aggregate", manifest().get(0).get("account_id"));
    }

    @Test
    void aTargetWhoseManifestListsASpokesOwnSnapshotsIsRefusedAndLeftAlone() throws IOException {
        push("111111111111", 3);
        Path spokeFindings = target().resolve("findings/20261101-000000/findings.jsonl");
        Files.createDirectories(spokeFindings.getParent());
        Files.writeString(spokeFindings, "{\"id\": \"spoke-finding\"}\n");
        Path manifestFile = target().resolve("snapshots/manifest.json");
        Files.createDirectories(manifestFile.getParent());
        String spokeManifest = "{\"snapshots\": [{\"id\": \"20261101-000000\", \"created_at\": \"2026-11-01T00:00:00\", "
                + "\"account_id\": \"222222222222\", \"asset_count\": 0, \"finding_count\": 1}]}\n";
        Files.writeString(manifestFile, spokeManifest);

        CliRunner.Result run = export("--keep", "1");

        assertEquals(2, run.exitCode(), run.err());
        assertEquals(false, run.json().get("success"));
        assertTrue(String.valueOf(run.json().get("error")).contains("20261101-000000"), run.out());
        assertTrue(Files.exists(spokeFindings), "the spoke's snapshot is kept");
        assertEquals(spokeManifest, Files.readString(manifestFile));
        assertEquals(1, snapshotFolders().size(), snapshotFolders().toString());
    }

    @Test
    void anExistingSnapshotIdIsAConfigurationError() throws IOException {
        push("111111111111", 3);
        assertEquals(0, export("--snapshot", "weekly").exitCode());
        push("111111111111", 4);

        CliRunner.Result again = export("--snapshot", "weekly");

        assertEquals(2, again.exitCode(), again.err());
        assertTrue(String.valueOf(again.json().get("error")).contains("weekly"), again.out());
        assertFalse(again.err().contains("unexpected failure"), again.err());
    }

    @Test
    void anUnchangedExportWhoseSnapshotFilesAreGoneExportsAgain() throws IOException {
        push("111111111111", 3);
        CliRunner.Result first = export();
        String id = (String) first.json().get("snapshot");
        Files.delete(target().resolve("findings/" + id + "/findings.jsonl"));

        CliRunner.Result again = export();

        assertEquals(0, again.exitCode(), again.err());
        assertEquals(true, again.json().get("written"), again.out());
        String newId = (String) again.json().get("snapshot");
        assertNotEquals(id, newId);
        assertEquals(List.of(newId), manifest().stream().map(entry -> entry.get("id")).toList(),
                "the snapshot whose files are gone is no longer listed");
        assertEquals(3, Files.readAllLines(target().resolve("findings/" + newId + "/findings.jsonl")).size());
        assertFalse(Files.exists(target().resolve("assets/" + id + "/assets.jsonl")), "what was left of it is removed");
    }

    @Test
    void anUnchangedExportWhoseNewestFileWasCutExportsAgain() throws IOException {
        push("111111111111", 3);
        String id = (String) export().json().get("snapshot");
        Path findings = target().resolve("findings/" + id + "/findings.jsonl");
        Files.writeString(findings, Files.readAllLines(findings).get(0) + "\n");

        CliRunner.Result again = export();

        assertEquals(true, again.json().get("written"), again.out());
        String newId = (String) again.json().get("snapshot");
        assertEquals(3, Files.readAllLines(target().resolve("findings/" + newId + "/findings.jsonl")).size());
    }

    @Test
    void anUnchangedExportWithItsFilesInPlaceWritesNothing() throws IOException {
        push("111111111111", 3);
        String id = (String) export().json().get("snapshot");
        CliRunner.Result again = export();
        assertEquals(false, again.json().get("written"), again.out());
        assertEquals(id, again.json().get("snapshot"));
    }

    /**
     * Two exports at the same second of the same central: the second runs whole while the first
     * uploads its files, so the first finds the manifest changed when it writes it.
     */
    @Test
    void theLosingExportOfTwoRemovesWhatItWroteAndSaysWhy() throws IOException {
        push("111111111111", 5);
        Clock sameSecond = Clock.fixed(Instant.parse("2026-12-07T03:30:00Z"), ZoneOffset.UTC);
        LocalStorageAdapter folder = new LocalStorageAdapter(target());
        ExportResult[] winner = new ExportResult[1];
        StorageAdapter racing = new StoreWithHookBeforeFirstWrite(folder, "findings.jsonl",
                () -> winner[0] = Central.at(new LocalStorageAdapter(central()), "aggregated").export(folder, "")
                        .clock(sameSecond).run());

        ExportResult loser = Central.at(new LocalStorageAdapter(central()), "aggregated").export(racing, "")
                .clock(sameSecond).run();

        assertTrue(winner[0].written(), winner[0].toString());
        assertFalse(loser.success());
        assertFalse(loser.written());
        assertNull(loser.snapshotId());
        assertTrue(loser.errors().get(0).contains("another export"), loser.errors().toString());
        assertEquals(List.of(winner[0].snapshotId()), manifest().stream().map(entry -> entry.get("id")).toList());
        assertEquals(List.of(target().resolve("findings/" + winner[0].snapshotId())),
                snapshotFolders().stream().filter(path -> path.getParent().getFileName().toString().equals("findings"))
                        .toList(), "the loser's snapshot folder is gone; the winner's is whole");
        assertEquals(5, Files.readAllLines(target().resolve("findings/" + winner[0].snapshotId()
                + "/findings.jsonl")).size());
        assertEquals(List.of(), listUnder(folder, "_state/claims/"), "no claim left behind");
    }

    static List<String> listUnder(StorageAdapter store, String prefix) {
        return store.listRecords(prefix);
    }

    /** A real store that runs {@code hook} once, just before the first write of a key ending in {@code suffix}. */
    static final class StoreWithHookBeforeFirstWrite extends ForwardingStore {
        private final String suffix;
        private Runnable hook;

        StoreWithHookBeforeFirstWrite(StorageAdapter store, String suffix, Runnable hook) {
            super(store);
            this.suffix = suffix;
            this.hook = hook;
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            if (hook != null && path.endsWith(suffix)) {
                Runnable once = hook;
                hook = null;
                once.run();
            }
            return delegate.writeRecord(path, content, condition);
        }
    }
}
