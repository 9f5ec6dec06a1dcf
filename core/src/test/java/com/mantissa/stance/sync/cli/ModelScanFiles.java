package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.cli.CentralModel.Line;
import com.mantissa.stance.sync.cli.CentralModel.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link CentralModelTest} snapshot as the scan a push is given: a folder holding
 * {@code findings.jsonl} and {@code assets.jsonl}, or, for a truncated snapshot, a Stance scan
 * prefix whose {@code snapshots/manifest.json} counts one finding more than its file holds.
 */
final class ModelScanFiles {
    private ModelScanFiles() {
    }

    /** Writes {@code s} under {@code scans} (the same files on every call) and returns what to push. */
    static Path write(Path scans, Snapshot s) {
        try {
            Path scan = Files.createDirectories(scans.resolve(s.provider() + "-" + s.seen()));
            List<String> findings = new ArrayList<>();
            for (Line l : s.findings()) {
                findings.add("{\"id\": \"" + l.id() + "\", \"severity\": \"high\", \"status\": \"" + l.status()
                        + "\", \"title\": \"" + title(l.id(), l.title()) + "\", \"last_seen\": \"" + seen(s.seen())
                        + "\"}");
            }
            if (s.damaged()) {
                findings.set(0, "{\"id\": \"" + s.findings().get(0).id() + "\", \"sev");
            }
            List<String> assets = new ArrayList<>();
            for (Line l : s.assets()) {
                assets.add("{\"id\": \"" + l.id() + "\", \"resource_type\": \"vm\", \"name\": \""
                        + title(l.id(), l.title()) + "\", \"last_seen\": \"" + seen(s.seen()) + "\"}");
            }
            if (s.truncated()) {
                String snapshot = "snap-" + s.seen();
                Files.createDirectories(scan.resolve("snapshots"));
                Files.writeString(scan.resolve("snapshots/manifest.json"), "{\"snapshots\": [{\"id\": \"" + snapshot
                        + "\", \"finding_count\": " + (findings.size() + 1) + ", \"asset_count\": " + assets.size()
                        + "}]}");
                Files.write(Files.createDirectories(scan.resolve("findings").resolve(snapshot))
                        .resolve("findings.jsonl"), findings);
                Files.write(Files.createDirectories(scan.resolve("assets").resolve(snapshot)).resolve("assets.jsonl"),
                        assets);
                return scan;
            }
            Files.write(scan.resolve("findings.jsonl"), findings);
            Files.write(scan.resolve("assets.jsonl"), assets);
            return scan;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String seen(int minute) {
        return String.format("2026-12-01T06:%02d:00", minute);
    }

    static String title(String id, int variant) {
        return id + " variant " + variant;
    }
}
