package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The central's lifecycle through the CLI on every kind of store: two accounts pushed, a
 * shorter snapshot resolving exactly what it no longer has, a much shorter one refused with
 * nothing changed, status counts equal to central's, an export that Stance's reader loads and
 * whose unchanged re-export writes nothing, and an account pruned.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class CentralLifecycleTest {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final int FINDINGS = 40;
    static final int ASSETS = 10;

    private static CentralStores buckets;
    private static MotoServer s3;
    private static final Stores STORES = new Stores();

    @TempDir
    Path dir;

    enum Store { FOLDER, S3, GCS, AZURE }

    @BeforeAll
    static void servers(MotoServer moto, GcsServer gcs, AzuriteServer azurite) {
        buckets = new CentralStores(moto, gcs, azurite);
        s3 = moto;
    }

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    record Run(int exitCode, String out, String err) {
        Map<String, Object> json() {
            return JsonParser.parseObject(out.strip());
        }
    }

    static Run cli(String... args) {
        com.mantissa.stance.sync.testing.CliRunner.Result run = com.mantissa.stance.sync.testing.CliRunner.run(args);
        return new Run(run.exitCode(), run.out(), run.err());
    }

    String newStore(Store store, String name) {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return switch (store) {
            case FOLDER -> dir.resolve(unique).toString();
            case S3 -> buckets.create(CentralStores.Kind.S3, unique);
            case GCS -> buckets.create(CentralStores.Kind.GCS, unique);
            case AZURE -> buckets.create(CentralStores.Kind.AZURE, unique);
        };
    }

    static StorageAdapter open(String uri) {
        return STORES.open(StorageLocation.parse(uri));
    }

    /** A scan folder with the first {@code findings} findings (all open) and {@code assets} assets. */
    Path scan(String name, int findings, int assets) throws IOException {
        Path folder = dir.resolve("scans").resolve(name);
        Files.createDirectories(folder);
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            f.append(String.format("{\"id\": \"finding-%02d\", \"asset_id\": \"asset-%02d\", \"severity\": \"high\", "
                    + "\"status\": \"open\", \"title\": \"Finding %d\", \"last_seen\": \"2026-11-24T06:00:00\"}%n",
                    i, i % ASSETS, i));
        }
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < assets; i++) {
            a.append(String.format("{\"id\": \"arn:aws:s3:::bucket-%02d\", \"resource_type\": \"s3_bucket\", "
                    + "\"name\": \"bucket-%02d\", \"tags\": {\"team\": \"t%d\"}}%n", i, i, i));
        }
        Files.writeString(folder.resolve("findings.jsonl"), f);
        Files.writeString(folder.resolve("assets.jsonl"), a);
        return folder;
    }

    /** Every record of central: key → parsed record. */
    static Map<String, Map<String, Object>> records(StorageAdapter store, String prefix) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String kind : List.of("findings/", "assets/")) {
            for (String key : store.listRecords(prefix + kind)) {
                out.put(key, JsonParser.parseObject(readBack(store, key)));
            }
        }
        return out;
    }

    /** Every object under {@code prefix}: key → bytes as text. */
    static Map<String, String> objects(StorageAdapter store, String prefix) {
        Map<String, String> out = new HashMap<>();
        for (String key : store.listRecords(prefix)) {
            out.put(key, readBack(store, key));
        }
        return out;
    }

    /**
     * One record as text, read as the engine reads: a transient failure is tried once more.
     * In one full build on a busy machine, a read from Azurite got no answer within the
     * attempt timeout (30 s). In a push the engine's retry covers that; this read-back had no
     * retry, so the test failed on the emulator instead of on what central holds.
     */
    static String readBack(StorageAdapter store, String key) {
        byte[] content;
        try {
            content = store.readRecord(key).orElseThrow().content();
        } catch (TransientStorageException e) {
            content = store.readRecord(key).orElseThrow().content();
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    static boolean ofAccount(String key, String account) {
        return key.contains("/" + account + "/");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void pushResolveRefuseStatusExportReexportPrune(Store store) throws Exception {
        String central = newStore(store, "central");
        String target = newStore(store, "export");
        StorageAdapter centralStore = open(central);
        String prefix = "aggregated/";

        // 1. Two accounts.
        assertEquals(0, cli("push", "--source", scan("a1", FINDINGS, ASSETS).toString(), "--central", central,
                "--account", A, "--provider", "aws").exitCode());
        Run pushB = cli("push", "--source", scan("b1", FINDINGS, ASSETS).toString(), "--central", central,
                "--account", B, "--provider", "aws");
        assertEquals(0, pushB.exitCode(), pushB.err());
        Map<String, String> accountB = new HashMap<>(objects(centralStore, prefix));
        accountB.keySet().removeIf(k -> !ofAccount(k, B) || k.contains("_state/") || k.contains("_changes/"));
        assertEquals(FINDINGS + ASSETS, accountB.size());

        // 2. A shorter snapshot of A resolves exactly what it no longer has.
        Run resolve = cli("push", "--source", scan("a2", 30, 8).toString(), "--central", central,
                "--account", A, "--provider", "aws", "--resolve-missing", "--json");
        assertEquals(0, resolve.exitCode(), resolve.err());
        assertTrue(resolve.err().contains("10 findings resolved"), resolve.err());
        Map<String, Map<String, Object>> afterResolve = records(centralStore, prefix);
        int resolved = 0;
        for (Map.Entry<String, Map<String, Object>> e : afterResolve.entrySet()) {
            Map<String, Object> record = e.getValue();
            assertEquals(Checksums.recordChecksum(record), record.get("_checksum"), "verifies: " + e.getKey());
            if (ofAccount(e.getKey(), A) && e.getKey().startsWith(prefix + "findings/")) {
                int n = Integer.parseInt(((String) record.get("id")).substring("finding-".length()));
                assertEquals(n >= 30 ? "resolved" : "open", record.get("status"), e.getKey());
                assertEquals(n >= 30 ? 2L : 1L, record.get("_version"), e.getKey());
                resolved += n >= 30 ? 1 : 0;
            }
        }
        assertEquals(10, resolved);
        assertEquals(8, afterResolve.keySet().stream()
                .filter(k -> ofAccount(k, A) && k.startsWith(prefix + "assets/")).count(), "missing assets removed");
        Map<String, String> accountBNow = new HashMap<>(objects(centralStore, prefix));
        accountBNow.keySet().removeIf(k -> !ofAccount(k, B) || k.contains("_state/") || k.contains("_changes/"));
        assertEquals(accountB, accountBNow, "the other account is untouched");

        // 3. A much shorter snapshot is refused, and nothing changes.
        Map<String, String> before = objects(centralStore, prefix);
        Run refused = cli("push", "--source", scan("a3", 3, 1).toString(), "--central", central,
                "--account", A, "--provider", "aws", "--resolve-missing", "--json");
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("would resolve 27 of the account's 30 unresolved findings"), refused.err());
        assertEquals(false, refused.json().get("success"));
        assertEquals(before, objects(centralStore, prefix), "a refused push writes nothing");

        // 7 (before the prune). Status counts equal central's; fresh pushes are not stale.
        Run status = cli("status", "--central", central, "--json");
        assertEquals(0, status.exitCode(), status.err());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> accounts = (List<Map<String, Object>>) status.json().get("accounts");
        assertEquals(2, accounts.size());
        for (Map<String, Object> row : accounts) {
            String account = (String) row.get("account");
            assertEquals(List.of("account", "provider", "findings", "open", "resolved", "resolved_by_reason",
                    "reopened", "assets", "last_push", "last_attempt", "last_attempt_ok", "stale"),
                    List.copyOf(row.keySet()));
            assertEquals(row.get("last_push"), row.get("last_attempt"));
            assertEquals(true, row.get("last_attempt_ok"));
            assertEquals("aws", row.get("provider"));
            assertEquals(false, row.get("stale"));
            assertNotNull(row.get("last_push"));
            long findings = 0;
            long open = 0;
            long resolvedCount = 0;
            long assets = 0;
            for (Map.Entry<String, Map<String, Object>> e : afterResolve.entrySet()) {
                if (!ofAccount(e.getKey(), account)) {
                    continue;
                }
                if (e.getKey().startsWith(prefix + "findings/")) {
                    findings++;
                    open += "open".equals(e.getValue().get("status")) ? 1 : 0;
                    resolvedCount += "resolved".equals(e.getValue().get("status")) ? 1 : 0;
                } else {
                    assets++;
                }
            }
            assertEquals(List.of(findings, open, resolvedCount, assets),
                    List.of(row.get("findings"), row.get("open"), row.get("resolved"), row.get("assets")), account);
        }

        // 4. Export; Stance's way of reading a scan finds every record with its status.
        Run export = cli("export", "--central", central, "--target", target, "--json");
        assertEquals(0, export.exitCode(), export.err());
        assertEquals(true, export.json().get("written"));
        assertEquals((long) 2 * FINDINGS, export.json().get("findings"));
        assertEquals((long) 8 + ASSETS, export.json().get("assets"));
        Map<String, Object> scan = StanceScanReader.read(open(target), "");
        assertExportMatches(afterResolve, scan);
        if (store == Store.FOLDER || store == Store.S3) {
            assertExportMatches(afterResolve, StanceScanReader.readWithPython(target, s3.environment()));
        }

        // 5. Re-exporting the unchanged central writes nothing.
        Map<String, String> exported = objects(open(target), "");
        Run again = cli("export", "--central", central, "--target", target, "--json");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(false, again.json().get("written"));
        assertEquals(exported, objects(open(target), ""));

        // 6. Prune one account; prune refuses to run without --account.
        assertEquals(2, cli("prune", "--central", central).exitCode());
        Run prune = cli("prune", "--central", central, "--account", B, "--json");
        assertEquals(0, prune.exitCode(), prune.err());
        assertEquals((long) FINDINGS, prune.json().get("findings_removed"));
        assertEquals((long) ASSETS, prune.json().get("assets_removed"));
        assertTrue((Long) prune.json().get("state_objects_removed") >= 2, prune.out());
        assertTrue(objects(centralStore, prefix).keySet().stream().noneMatch(k -> ofAccount(k, B)));
        assertEquals(2 * FINDINGS - FINDINGS + 8, records(centralStore, prefix).size());
    }

    @SuppressWarnings("unchecked")
    static void assertExportMatches(Map<String, Map<String, Object>> central, Map<String, Object> scan) {
        Map<String, String> expected = new HashMap<>();
        central.forEach((key, record) -> expected.put(record.get("_source_account") + "|" + record.get("id"),
                String.valueOf(record.get("status"))));
        Map<String, String> actual = new HashMap<>();
        for (String kind : List.of("findings", "assets")) {
            for (Map<String, Object> line : (List<Map<String, Object>>) scan.get(kind)) {
                assertEquals("aws", line.get("_source_provider"));
                actual.put(line.get("_source_account") + "|" + line.get("id"), String.valueOf(line.get("status")));
            }
        }
        assertEquals(expected, actual);
    }
}
