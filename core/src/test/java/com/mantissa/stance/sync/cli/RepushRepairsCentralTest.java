package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prune and the resolve pass delete or rewrite records that the account's push index
 * remembers; a later push of the true snapshot must still put central right, not skip the
 * records as unchanged. On a folder and on a bucket in moto.
 */
@ExtendWith(Emulators.class)
class RepushRepairsCentralTest {
    private static final String ACCOUNT = "111111111111";
    private static final Stores STORES = new Stores();

    @TempDir
    Path dir;

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    @Test
    void aPrunedProviderComesBackOnAFolder() throws IOException {
        prunedProviderComesBack(folder());
    }

    @Test
    @Tag("slow")
    void aPrunedProviderComesBackInABucket(MotoServer moto) throws IOException {
        prunedProviderComesBack(bucket(moto));
    }

    @Test
    void aRemovedAssetComesBackOnAFolder() throws IOException {
        removedAssetComesBack(folder());
    }

    @Test
    @Tag("slow")
    void aRemovedAssetComesBackInABucket(MotoServer moto) throws IOException {
        removedAssetComesBack(bucket(moto));
    }

    @ParameterizedTest
    @ValueSource(strings = {"24h", "0"})
    void aMistakenForcedResolveIsUndoneOnAFolder(String indexMaxAge) throws IOException {
        mistakenResolveIsUndone(folder(), indexMaxAge);
    }

    @ParameterizedTest
    @ValueSource(strings = {"24h", "0"})
    @Tag("slow")
    void aMistakenForcedResolveIsUndoneInABucket(String indexMaxAge, MotoServer moto) throws IOException {
        mistakenResolveIsUndone(bucket(moto), indexMaxAge);
    }

    private void prunedProviderComesBack(String central) throws IOException {
        Path azure = scan("azure", 7, 0, "");
        Path aws = scan("aws", 3, 0, "");
        ok(push(central, azure, "azure"));
        ok(push(central, aws, "aws")); // keeps the account's state folder after the azure prune
        CliRunner.Result prune = CliRunner.run("prune", "--central", central, "--account", ACCOUNT, "--provider",
                "azure", "--json");
        assertEquals(0, prune.exitCode(), prune.err());
        assertEquals(7L, prune.json().get("findings_removed"));

        CliRunner.Result again = push(central, azure, "azure", "--json");

        ok(again);
        assertEquals(7L, again.json().get("records_synced"), again.out());
        for (int i = 0; i < 7; i++) {
            assertEquals("open", finding(central, "azure-finding-" + i).orElseThrow().get("status"));
        }
    }

    private void removedAssetComesBack(String central) throws IOException {
        Path full = scan("full", 2, 3, "");
        Path short_ = scan("short", 2, 2, "full");
        ok(push(central, full, "aws"));
        ok(push(central, short_, "aws", "--resolve-missing", "--resolve-max-share", "1"));
        assertTrue(asset(central, "full-asset-2").isEmpty(), "the resolve pass removed the asset");

        CliRunner.Result again = push(central, full, "aws", "--json");

        ok(again);
        assertEquals(1L, again.json().get("records_synced"), again.out());
        assertEquals("full-asset-2", asset(central, "full-asset-2").orElseThrow().get("id"));
    }

    private void mistakenResolveIsUndone(String central, String indexMaxAge) throws IOException {
        Path good = scan("good", 10, 0, "");
        Path truncated = scan("truncated", 2, 0, "good");
        ok(push(central, good, "aws"));
        ok(push(central, truncated, "aws", "--resolve-missing", "--force-resolve"));
        assertEquals("resolved", finding(central, "good-finding-9").orElseThrow().get("status"));

        CliRunner.Result again = push(central, good, "aws", "--index-max-age", indexMaxAge, "--json");

        ok(again);
        assertEquals(8L, again.json().get("records_synced"), again.out());
        for (int i = 0; i < 10; i++) {
            Map<String, Object> record = finding(central, "good-finding-" + i).orElseThrow();
            assertEquals("open", record.get("status"), "good-finding-" + i);
            assertEquals(i < 2 ? 1L : 3L, record.get("_version"), "good-finding-" + i);
        }
    }

    private String folder() {
        return dir.resolve("central").toString();
    }

    private static String bucket(MotoServer moto) {
        String bucket = "repush-" + UUID.randomUUID().toString().substring(0, 8);
        moto.createBucket(bucket);
        return "s3://" + bucket + "/aggregated";
    }

    /**
     * A scan folder: {@code findings} open findings and {@code assets} assets, ids prefixed
     * with {@code idsOf} (the folder's own name when empty), all seen at the same time.
     */
    private Path scan(String name, int findings, int assets, String idsOf) throws IOException {
        String ids = idsOf.isEmpty() ? name : idsOf;
        Path folder = Files.createDirectories(dir.resolve("scans").resolve(name));
        List<String> f = new ArrayList<>();
        for (int i = 0; i < findings; i++) {
            f.add("{\"id\": \"" + ids + "-finding-" + i + "\", \"severity\": \"high\", \"status\": \"open\", "
                    + "\"title\": \"Finding " + i + "\", \"last_seen\": \"2026-12-01T06:00:00\"}");
        }
        List<String> a = new ArrayList<>();
        for (int i = 0; i < assets; i++) {
            a.add("{\"id\": \"" + ids + "-asset-" + i + "\", \"resource_type\": \"vm\", \"name\": \"vm " + i
                    + "\", \"last_seen\": \"2026-12-01T06:00:00\"}");
        }
        Files.write(folder.resolve("findings.jsonl"), f);
        if (assets > 0) {
            Files.write(folder.resolve("assets.jsonl"), a);
        }
        return folder;
    }

    private static CliRunner.Result push(String central, Path scan, String provider, String... more) {
        List<String> args = new ArrayList<>(List.of("push", "--source", scan.toString(), "--central", central,
                "--account", ACCOUNT, "--provider", provider));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static void ok(CliRunner.Result run) {
        assertEquals(0, run.exitCode(), run.out() + run.err());
    }

    private static Optional<Map<String, Object>> finding(String central, String id) {
        return read(central, RecordPaths.findingPath(prefix(central), ACCOUNT, id));
    }

    private static Optional<Map<String, Object>> asset(String central, String id) {
        return read(central, RecordPaths.assetPath(prefix(central), ACCOUNT, id));
    }

    /** Both centrals here keep records under the default prefix. */
    private static String prefix(String central) {
        return "aggregated";
    }

    private static Optional<Map<String, Object>> read(String central, String key) {
        StorageAdapter store = STORES.open(StorageLocation.parse(central));
        return store.readRecord(key).map(o -> JsonParser.parseObject(new String(o.content(), StandardCharsets.UTF_8)));
    }
}
