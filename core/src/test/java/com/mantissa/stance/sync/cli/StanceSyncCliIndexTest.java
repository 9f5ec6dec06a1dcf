package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.testing.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StanceSyncCliIndexTest {
    @TempDir
    Path root;

    int push(Path central, Path scan, String... extra) {
        String[] base = {"push", "--central", central.toString(), "--source", scan.toString(), "--account",
            "123456789012", "--provider", "aws"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliRunner.Result run = CliRunner.run(args);
        assertEquals(0, run.exitCode(), run.err());
        return run.exitCode();
    }

    @Test
    void pushKeepsTheAccountIndexUnlessNoIndexIsGiven() throws Exception {
        Path scan = root.resolve("scan/findings/s1/findings.jsonl");
        Files.createDirectories(scan.getParent());
        Files.writeString(scan, "{\"id\": \"f-1\", \"severity\": \"high\"}\n{\"id\": \"f-2\"}\n");
        Path index = CrossCloudSync.indexPath("aggregated", "123456789012").transform(root.resolve("with")::resolve);

        push(root.resolve("with"), scan);
        push(root.resolve("without"), scan, "--no-index");

        assertTrue(Files.isRegularFile(index));
        assertFalse(Files.exists(root.resolve("without/aggregated/_state")));
        assertTrue(Files.exists(root.resolve("without/aggregated/findings")));
    }

    @Test
    void summaryShowsTheRequestsByKindAndJsonStdoutStaysTheResult() throws Exception {
        Path scan = root.resolve("scan/findings/s1/findings.jsonl");
        Files.createDirectories(scan.getParent());
        Files.writeString(scan, "{\"id\": \"f-1\", \"severity\": \"high\"}\n{\"id\": \"f-2\"}\n");
        String[] args = {"push", "--central", root.resolve("central").toString(), "--source", scan.toString(),
            "--account", "123456789012", "--provider", "aws", "--json"};

        CliRunner.Result first = CliRunner.run(args);
        CliRunner.Result again = CliRunner.run(args);

        // First: the index read (absent), two creates, the index's create, the change feed's one
        // object (two findings opened) and the account's findings status written (a push of one
        // kind of file writes its own status object, without reading the other kind's).
        assertTrue(first.err().contains("; 6 requests: 1 read, 4 conditional writes, 1 unconditional write, 0 lists, 0 deletes, 0 metadata"),
                first.err());
        // Unchanged: the index read and the status written; no change, so no feed object.
        assertTrue(again.err().contains("; 2 requests: 1 read, 0 conditional writes, 1 unconditional write, 0 lists, 0 deletes, 0 metadata"),
                again.err());
        assertEquals(java.util.List.of("success", "records_synced", "records_skipped", "conflicts_resolved", "errors",
                "duration_seconds", "sync_direction"), java.util.List.copyOf(first.json().keySet()));
        assertTrue(first.err().contains("; 0 unchanged files"), first.err());
        // The scan file is unchanged: not read, its records skipped, and both outputs say so.
        assertEquals(java.util.List.of("success", "records_synced", "records_skipped", "conflicts_resolved", "errors",
                "duration_seconds", "sync_direction", "files_unchanged"), java.util.List.copyOf(again.json().keySet()));
        assertEquals(2L, again.json().get("records_skipped"));
        assertEquals(1L, again.json().get("files_unchanged"));
        assertTrue(again.err().contains("; 1 unchanged files"), again.err());
    }
}
