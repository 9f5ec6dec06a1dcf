package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.AccountStatus;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.ResolveSettings;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StreamingUpload;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Export, prune, status and resolve-missing details beyond the lifecycle walk-through. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class CentralOperationsTest {
    @TempDir
    Path dir;

    private CentralLifecycleTest lifecycle;

    @BeforeAll
    static void servers(MotoServer moto, GcsServer gcs, AzuriteServer azurite) {
        CentralLifecycleTest.servers(moto, gcs, azurite);
    }

    private CentralLifecycleTest helper() {
        if (lifecycle == null) {
            lifecycle = new CentralLifecycleTest();
            lifecycle.dir = dir;
        }
        return lifecycle;
    }

    private static CentralLifecycleTest.Run cli(String... args) {
        return CentralLifecycleTest.cli(args);
    }

    private void push(String central, String account, String scanName, int findings, int assets, String... extra)
            throws Exception {
        String[] base = {"push", "--source", helper().scan(scanName, findings, assets).toString(), "--central", central,
            "--account", account, "--provider", "aws"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CentralLifecycleTest.Run run = cli(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    /** GCS is left out: its adapter has no streaming upload yet (the test server has no resumable uploads). */
    @ParameterizedTest
    @EnumSource(value = CentralLifecycleTest.Store.class, names = {"FOLDER", "S3", "AZURE"})
    void streamingUploadWritesAndReplacesAFileOnEveryStore(CentralLifecycleTest.Store store) throws Exception {
        StorageAdapter target = CentralLifecycleTest.open(helper().newStore(store, "upload"));
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Path file = Files.write(dir.resolve("big.bin"), big);
        target.writeRecord("scan/findings.jsonl", "old".getBytes(StandardCharsets.UTF_8));

        String token = StreamingUpload.upload(target, "scan/findings.jsonl", file);

        assertArrayEquals(big, target.readRecord("scan/findings.jsonl").orElseThrow().content());
        assertEquals(target.readRecord("scan/findings.jsonl").orElseThrow().versionToken(), token);
        assertEquals(List.of("scan/findings.jsonl"), target.listRecords("scan/"));
    }

    @Test
    void exportKeepsTheNewestSnapshotsNewestFirstAndDeletesOlderFolders() throws Exception {
        String central = dir.resolve("central").toString();
        String target = dir.resolve("export").toString();
        List<String> ids = new java.util.ArrayList<>();
        for (int round = 1; round <= 4; round++) {
            push(central, "111", "r" + round, 5 + round, 2);
            CentralLifecycleTest.Run export = cli("export", "--central", central, "--target", target, "--keep", "3",
                    "--json");
            assertEquals(0, export.exitCode(), export.err());
            assertEquals(true, export.json().get("written"));
            ids.add((String) export.json().get("snapshot"));
        }
        for (String id : ids) {
            assertTrue(id.matches("\\d{8}-\\d{6}"), id);
        }
        Map<String, Object> manifest = JsonParser.parseObject(Files.readString(Path.of(target, "snapshots/manifest.json")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> snapshots = (List<Map<String, Object>>) manifest.get("snapshots");
        assertEquals(List.of(ids.get(3), ids.get(2), ids.get(1)), snapshots.stream().map(s -> s.get("id")).toList());
        assertEquals(9L, snapshots.get(0).get("finding_count"));
        assertEquals(2L, snapshots.get(0).get("asset_count"));
        assertEquals(8L, snapshots.get(1).get("finding_count"));
        assertFalse(Files.exists(Path.of(target, "findings", ids.get(0), "findings.jsonl")), "oldest snapshot deleted");
        assertFalse(Files.exists(Path.of(target, "assets", ids.get(0), "assets.jsonl")));
        assertEquals(9, Files.readAllLines(Path.of(target, "findings", ids.get(3), "findings.jsonl")).size());
    }

    @Test
    void exportReportsAChecksumMismatchAndLeavesTheRecordOut() throws Exception {
        String central = dir.resolve("central").toString();
        push(central, "111", "s", 4, 1);
        LocalStorageAdapter store = new LocalStorageAdapter(Path.of(central));
        String key = store.listRecords("aggregated/findings/").get(0);
        String tampered = new String(store.readRecord(key).orElseThrow().content(), StandardCharsets.UTF_8)
                .replace("\"severity\": \"high\"", "\"severity\": \"low\"");
        store.writeRecord(key, tampered.getBytes(StandardCharsets.UTF_8));

        CentralLifecycleTest.Run export = cli("export", "--central", central, "--target", dir.resolve("t").toString(),
                "--json");

        assertEquals(1, export.exitCode(), export.err());
        assertEquals(List.of("Checksum mismatch for " + key + "; not exported"), export.json().get("errors"));
        assertEquals(3L, export.json().get("findings"));
        String snapshot = (String) export.json().get("snapshot");
        String lines = Files.readString(dir.resolve("t/findings/" + snapshot + "/findings.jsonl"));
        assertFalse(lines.contains("\"severity\": \"low\""), lines);
    }

    @Test
    void exportStatusAndPruneShowTheRequestsTheyMadeByKind() throws Exception {
        String central = dir.resolve("central").toString();
        push(central, "111", "s", 4, 2);

        CentralLifecycleTest.Run export = cli("export", "--central", central, "--target", dir.resolve("t").toString(),
                "--json");

        assertEquals(0, export.exitCode(), export.err());
        Map<?, ?> exported = (Map<?, ?>) export.json().get("requests");
        assertNotNull(exported, export.json().toString());
        // Each of the 6 records is read once, and the target's manifest and export state once each.
        assertEquals(8L, exported.get("reads"), exported.toString());
        // findings.jsonl, assets.jsonl and the export state; the snapshot id's claim and the
        // manifest are written if absent, and the claim is deleted once the manifest names it.
        assertEquals(3L, exported.get("unconditional_writes"), exported.toString());
        assertEquals(2L, exported.get("conditional_writes"), exported.toString());
        assertEquals(1L, exported.get("deletes"), exported.toString());
        // Central is listed in sixteen pages per kind.
        assertEquals(32L, exported.get("lists"), exported.toString());
        assertTrue(export.err().contains("; 46 requests: 8 reads, 2 conditional writes, 3 unconditional writes, 32 lists, "
                + "1 delete, 0 metadata"), export.err());

        CentralLifecycleTest.Run status = cli("status", "--central", central);

        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.err().matches("(?s).*status: 1 accounts, 0 stale \\(no push within 48h\\); \\d+ requests: .*"),
                status.err());

        CentralLifecycleTest.Run prune = cli("prune", "--central", central, "--account", "111", "--json");

        assertEquals(0, prune.exitCode(), prune.err());
        Map<?, ?> pruned = (Map<?, ?>) prune.json().get("requests");
        assertNotNull(pruned, prune.json().toString());
        long removed = (Long) prune.json().get("findings_removed") + (Long) prune.json().get("assets_removed")
                + (Long) prune.json().get("state_objects_removed");
        assertEquals(removed, pruned.get("deletes"), prune.json().toString());
        assertTrue(prune.err().contains(" deletes, "), prune.err());
    }

    @Test
    void pruneDryRunCountsButRemovesNothingAndAProviderKeepsTheOthers() throws Exception {
        String central = dir.resolve("central").toString();
        push(central, "111", "s", 4, 2);
        Path gcpScan = helper().scan("g", 3, 0);
        Files.writeString(gcpScan.resolve("findings.jsonl"),
                Files.readString(gcpScan.resolve("findings.jsonl")).replace("Finding ", "GCP finding "));
        CentralLifecycleTest.Run gcp = cli("push", "--source", gcpScan.toString(),
                "--central", central, "--account", "111", "--provider", "gcp", "--no-assets", "--conflict", "local_wins");
        assertEquals(0, gcp.exitCode(), gcp.err());
        LocalStorageAdapter store = new LocalStorageAdapter(Path.of(central));
        int before = store.listRecords("aggregated/").size();

        CentralLifecycleTest.Run dry = cli("prune", "--central", central, "--account", "111", "--dry-run", "--json");
        assertEquals(0, dry.exitCode(), dry.err());
        assertEquals(4L, dry.json().get("findings_removed"), "ids finding-00..03 of both providers share paths");
        assertEquals(before, store.listRecords("aggregated/").size());

        CentralLifecycleTest.Run onlyGcp = cli("prune", "--central", central, "--account", "111", "--provider", "gcp",
                "--json");
        assertEquals(0, onlyGcp.exitCode(), onlyGcp.err());
        // gcp's push (local_wins) replaced aws's records of finding-00..02; one aws finding remains.
        assertEquals(3L, onlyGcp.json().get("findings_removed"));
        // gcp's status goes (it would show counts of what is gone); the rest of the state stays
        // while another provider has records.
        assertEquals(1L, onlyGcp.json().get("state_objects_removed"));
        assertTrue(store.readRecord("aggregated/_state/111/status.aws.json").isPresent());
        assertEquals(1, store.listRecords("aggregated/findings/").size());
        assertEquals(2, store.listRecords("aggregated/assets/").size());
    }

    /**
     * The prefix is normalised alike for every command: one written with slashes around it names
     * the keys the push wrote (on S3 a key is a plain string, so "/hub/" and "hub" differ there).
     */
    @Test
    void statusExportAndPruneNormaliseThePrefixAsThePushDoes() throws Exception {
        String central = helper().newStore(CentralLifecycleTest.Store.S3, "prefix");
        push(central, "111", "s", 4, 2, "--prefix", "hub");

        CentralLifecycleTest.Run status = cli("status", "--central", central, "--prefix", "/hub/", "--json");
        assertEquals(0, status.exitCode(), status.err());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) status.json().get("accounts");
        assertEquals(List.of("111"), rows.stream().map(r -> r.get("account")).toList(), status.out());

        CentralLifecycleTest.Run export = cli("export", "--central", central, "--prefix", "hub/",
                "--target", dir.resolve("t").toString(), "--json");
        assertEquals(0, export.exitCode(), export.err());
        assertEquals(4L, export.json().get("findings"), export.out());

        CentralLifecycleTest.Run prune = cli("prune", "--central", central, "--prefix", "/hub", "--account", "111",
                "--json");
        assertEquals(0, prune.exitCode(), prune.err());
        assertEquals(4L, prune.json().get("findings_removed"), prune.out());
        assertEquals(List.of(), CentralLifecycleTest.open(central).listRecords("hub/"));

        CentralLifecycleTest.Run escape = cli("status", "--central", central, "--prefix", "hub/../other");
        assertEquals(2, escape.exitCode(), escape.err());
        assertTrue(escape.err().contains("--prefix: central_prefix has an empty, '.' or '..' segment"), escape.err());
    }

    @Test
    void statusFlagsAnAccountWithoutARecentPushAndExitsOne() throws Exception {
        String central = dir.resolve("central").toString();
        push(central, "111", "s", 4, 2);

        CentralLifecycleTest.Run fresh = cli("status", "--central", central);
        assertEquals(0, fresh.exitCode(), fresh.err());
        assertTrue(fresh.out().contains("111"), fresh.out());
        assertFalse(fresh.out().contains("STALE"), fresh.out());

        CentralLifecycleTest.Run stale = cli("status", "--central", central, "--stale-after", "0s", "--json");
        assertEquals(1, stale.exitCode(), stale.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> row = ((List<Map<String, Object>>) stale.json().get("accounts")).get(0);
        assertEquals(true, row.get("stale"));
        assertEquals(4L, row.get("open"));
        assertEquals(2, cli("status", "--central", central, "--stale-after", "soon").exitCode());
    }

    @Test
    void aFindingsOnlyPushResolvesFindingsAndLeavesAssetsAndTheirCountAlone() throws Exception {
        Path central = dir.resolve("central");
        push(central.toString(), "111", "full", 10, 4);
        Path scan = helper().scan("findings-only", 8, 0);
        Files.delete(scan.resolve("assets.jsonl"));
        LocalStorageAdapter store = new LocalStorageAdapter(central);
        LocalStorageAdapter source = new LocalStorageAdapter(scan);
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), store)
                .resolveMissing(new ResolveSettings(0.5, false));
        sync.addScanFiles(source, List.of(new ScanLocator.ScanFile(RecordKind.FINDING, "findings.jsonl",
                "findings.jsonl")), "111", "aws");

        SyncResult result = sync.sync();

        assertTrue(result.success(), result.errors().toString());
        assertEquals(2, sync.resolveResults().get(0).resolved());
        assertEquals(4, store.listRecords("aggregated/assets/").size(), "assets untouched by a findings push");
        AccountStatus status = AccountStatus.load(store, "aggregated", "111").orElseThrow();
        assertEquals(List.of(10L, 8L, 2L, 4L), List.of(status.findings(), status.open(), status.resolved(),
                status.assets()));
    }

    @Test
    void forceResolvesPastTheShare() throws Exception {
        String central = dir.resolve("central").toString();
        push(central, "111", "full", 10, 2);
        CentralLifecycleTest.Run refused = cli("push", "--source", helper().scan("tiny", 1, 2).toString(), "--central",
                central, "--account", "111", "--provider", "aws", "--resolve-missing");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("would resolve 9 of the account's 10 unresolved findings"), refused.err());

        CentralLifecycleTest.Run forced = cli("push", "--source", helper().scan("tiny2", 1, 2).toString(), "--central",
                central, "--account", "111", "--provider", "aws", "--resolve-missing", "--force-resolve");
        assertEquals(0, forced.exitCode(), forced.err());
        assertTrue(forced.err().contains("9 findings resolved"), forced.err());
        CentralLifecycleTest.Run share = cli("push", "--source", helper().scan("tiny3", 1, 2).toString(), "--central",
                central, "--account", "111", "--provider", "aws", "--resolve-missing", "--resolve-max-share", "1.5");
        assertEquals(2, share.exitCode(), share.err());
    }
}
