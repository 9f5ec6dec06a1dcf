package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A resolve pass resolves only where the snapshot looked: the (region, resource type) pairs of
 * its inventory. A finding whose asset is still listed is fixed; one whose asset is gone from a
 * covered pair is resource_deleted; one in a region or type the scan skipped is left and counted;
 * a snapshot without an inventory stands for the whole account. A finding that comes back is
 * reopened. Every record still verifies by the original's checksum rule.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class ResolveByCoverageTest {
    static final String ACCOUNT = "111111111111";
    private static final Stores STORES = new Stores();
    private static MotoServer s3;

    @TempDir
    Path dir;

    enum Store { FOLDER, S3 }

    @BeforeAll
    static void servers(MotoServer moto) {
        s3 = moto;
    }

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    String newCentral(Store store) {
        String unique = "cov-" + UUID.randomUUID().toString().substring(0, 8);
        if (store == Store.S3) {
            s3.createBucket(unique);
            return "s3://" + unique;
        }
        return dir.resolve(unique).toString();
    }

    static String asset(String id, String region, String type) {
        return "{\"id\": \"" + id + "\", \"region\": \"" + region + "\", \"resource_type\": \"" + type
                + "\", \"name\": \"" + id + "\"}";
    }

    static String finding(String id, String asset, String status, String lastSeen) {
        return "{\"id\": \"" + id + "\", \"asset_id\": \"" + asset + "\", \"severity\": \"high\", \"status\": \""
                + status + "\", \"title\": \"Title " + id + "\", \"last_seen\": \"" + lastSeen + "\"}";
    }

    Path scan(String name, List<String> findings, List<String> assets) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("scans").resolve(name));
        Files.writeString(folder.resolve("findings.jsonl"), String.join("\n", findings) + "\n");
        if (assets != null) {
            Files.writeString(folder.resolve("assets.jsonl"), String.join("\n", assets) + "\n");
        }
        return folder;
    }

    static CliRunner.Result push(Path scan, String central) {
        return CliRunner.run("push", "--source", scan.toString(), "--central", central, "--account", ACCOUNT,
                "--provider", "aws", "--resolve-missing", "--resolve-max-share", "1", "--json");
    }

    static Map<String, Object> finding(String central, String id) {
        StorageAdapter store = STORES.open(StorageLocation.parse(central));
        return JsonParser.parseObject(new String(store.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, id))
                .orElseThrow().content(), StandardCharsets.UTF_8));
    }

    static boolean assetPresent(String central, String id) {
        StorageAdapter store = STORES.open(StorageLocation.parse(central));
        return store.readRecord(RecordPaths.assetPath("aggregated", ACCOUNT, id)).isPresent();
    }

    /** Every record of the account verifies: the engine's {@code _} keys stay outside the checksum. */
    static void assertAllVerify(String central) {
        StorageAdapter store = STORES.open(StorageLocation.parse(central));
        int records = 0;
        for (String kind : List.of("aggregated/findings/", "aggregated/assets/")) {
            for (String key : store.listRecords(kind)) {
                Map<String, Object> record = JsonParser.parseObject(new String(store.readRecord(key).orElseThrow()
                        .content(), StandardCharsets.UTF_8));
                assertEquals(Checksums.recordChecksum(record), record.get("_checksum"), key);
                records++;
            }
        }
        assertTrue(records > 0);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void resolvesWhereTheSnapshotLookedAndReopensWhatComesBack(Store store) throws IOException {
        String central = newCentral(store);
        String day1 = "2026-11-01T00:00:00";
        String day2 = "2026-11-02T00:00:00";
        String day3 = "2026-11-03T00:00:00";
        List<String> allAssets = List.of(asset("bucket-a", "us-east-1", "s3_bucket"),
                asset("bucket-b", "us-east-1", "s3_bucket"), asset("bucket-west", "eu-west-1", "s3_bucket"),
                asset("vm-1", "us-east-1", "ec2_instance"));
        String fixedLine = finding("f-fixed", "bucket-a", "open", day1);
        CliRunner.Result first = push(scan("s1", List.of(fixedLine, finding("f-deleted", "bucket-b", "open", day1),
                finding("f-west", "bucket-west", "open", day1), finding("f-vm", "vm-1", "open", day1),
                finding("f-stays", "bucket-a", "open", day1), finding("f-scan", "bucket-a", "open", day1)),
                allAssets), central);
        assertEquals(0, first.exitCode(), first.err());

        // The second scan looked at us-east-1's buckets only: bucket-b is gone, f-fixed passes now.
        CliRunner.Result second = push(scan("s2", List.of(finding("f-stays", "bucket-a", "open", day2),
                finding("f-scan", "bucket-a", "resolved", day2)),
                List.of(asset("bucket-a", "us-east-1", "s3_bucket"))), central);
        assertEquals(0, second.exitCode(), second.err());
        Map<String, Object> json = second.json();
        assertEquals(2L, json.get("findings_resolved"), second.out());
        assertEquals(2L, json.get("findings_not_covered"), second.out());
        assertEquals(Map.of("fixed", 1L, "resource_deleted", 1L, "missing_from_scan", 0L),
                json.get("resolved_by_reason"));
        assertEquals(1L, json.get("assets_removed"));
        assertEquals(2L, json.get("assets_not_covered"));
        assertTrue(second.err().contains("2 not covered"), second.err());

        Map<String, Object> fixed = finding(central, "f-fixed");
        assertEquals("resolved", fixed.get("status"));
        assertEquals("fixed", fixed.get("_resolved_reason"));
        assertNotNull(fixed.get("_resolved_at"));
        assertEquals("resource_deleted", finding(central, "f-deleted").get("_resolved_reason"));
        for (String left : List.of("f-west", "f-vm")) {
            Map<String, Object> record = finding(central, left);
            assertEquals("open", record.get("status"), left);
            assertEquals(1L, record.get("_version"), left + " untouched");
        }
        Map<String, Object> byScan = finding(central, "f-scan");
        assertEquals("resolved", byScan.get("status"));
        assertFalse(byScan.containsKey("_resolved_reason"), "the scan's own resolution has no reason");
        assertFalse(assetPresent(central, "bucket-b"), "gone from a covered pair: removed");
        assertTrue(assetPresent(central, "bucket-west"), "in a region the scan skipped: kept");
        assertTrue(assetPresent(central, "vm-1"), "of a type the scan skipped: kept");
        assertAllVerify(central);

        // The third scan reports f-fixed again (the very line of the first) and f-scan open again.
        CliRunner.Result third = push(scan("s3", List.of(fixedLine, finding("f-stays", "bucket-a", "open", day3),
                finding("f-scan", "bucket-a", "open", day3)),
                List.of(asset("bucket-a", "us-east-1", "s3_bucket"))), central);
        assertEquals(0, third.exitCode(), third.err());
        assertEquals(2L, third.json().get("findings_reopened"), third.out());
        assertTrue(third.err().contains("reopened: 2 findings"), third.err());
        for (String id : List.of("f-fixed", "f-scan")) {
            Map<String, Object> reopened = finding(central, id);
            assertEquals("open", reopened.get("status"), id);
            assertNotNull(reopened.get("_reopened_at"), id);
            assertNull(reopened.get("_resolved_reason"), id);
            assertNull(reopened.get("_resolved_at"), id);
        }
        assertEquals("resolved", finding(central, "f-deleted").get("status"));
        assertAllVerify(central);

        CliRunner.Result status = CliRunner.run("status", "--central", central, "--json");
        assertEquals(0, status.exitCode(), status.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> row = ((List<Map<String, Object>>) status.json().get("accounts")).get(0);
        assertEquals(Map.of("fixed", 0L, "resource_deleted", 1L, "missing_from_scan", 0L),
                row.get("resolved_by_reason"), status.out());
        assertEquals(2L, row.get("reopened"));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aSnapshotWithoutInventoryStandsForTheWholeAccount(Store store) throws IOException {
        String central = newCentral(store);
        String day1 = "2026-11-01T00:00:00";
        assertEquals(0, push(scan("n1", List.of(finding("g-1", "x", "open", day1), finding("g-2", "y", "open", day1)),
                null), central).exitCode());
        CliRunner.Result second = push(scan("n2", List.of(finding("g-1", "x", "open", day1)), null), central);
        assertEquals(0, second.exitCode(), second.err());
        assertEquals(Map.of("fixed", 0L, "resource_deleted", 0L, "missing_from_scan", 1L),
                second.json().get("resolved_by_reason"));
        Map<String, Object> g2 = finding(central, "g-2");
        assertEquals("resolved", g2.get("status"));
        assertEquals("missing_from_scan", g2.get("_resolved_reason"));
        assertAllVerify(central);
    }

    /** A Stance scan prefix whose manifest lists {@code snapshot} first with the counts it claims. */
    Path stancePrefix(String name, String snapshot, List<String> findings, List<String> assets, int findingCount,
                      int assetCount) throws IOException {
        Path prefix = dir.resolve("prefixes").resolve(name);
        Files.createDirectories(prefix.resolve("findings").resolve(snapshot));
        Files.createDirectories(prefix.resolve("assets").resolve(snapshot));
        Files.createDirectories(prefix.resolve("snapshots"));
        Files.writeString(prefix.resolve("findings").resolve(snapshot).resolve("findings.jsonl"),
                String.join("\n", findings) + "\n");
        Files.writeString(prefix.resolve("assets").resolve(snapshot).resolve("assets.jsonl"),
                String.join("\n", assets) + "\n");
        Files.writeString(prefix.resolve("snapshots").resolve("manifest.json"), "{\"snapshots\": [{\"id\": \""
                + snapshot + "\", \"account_id\": \"" + ACCOUNT + "\", \"finding_count\": " + findingCount
                + ", \"asset_count\": " + assetCount + "}]}\n");
        return prefix;
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aSnapshotShorterThanItsManifestPushesItsRecordsAndResolvesNothing(Store store) throws IOException {
        String central = newCentral(store);
        String day1 = "2026-11-01T00:00:00";
        String day2 = "2026-11-02T00:00:00";
        List<String> assets = List.of(asset("bucket-a", "us-east-1", "s3_bucket"));
        assertEquals(0, push(stancePrefix("p1", "snap-1", List.of(finding("h-1", "bucket-a", "open", day1),
                finding("h-2", "bucket-a", "open", day1), finding("h-3", "bucket-a", "open", day1)), assets, 3, 1),
                central).exitCode());

        CliRunner.Result cut = push(stancePrefix("p2", "snap-2", List.of(finding("h-1", "bucket-a", "open", day2)),
                assets, 3, 1), central);
        assertEquals(0, cut.exitCode(), cut.err());
        assertEquals(1L, cut.json().get("records_synced"), cut.out());
        assertNull(cut.json().get("findings_resolved"), "no resolve pass ran: " + cut.out());
        List<String> warnings = cut.err().lines().filter(l -> l.startsWith("warning:")).toList();
        assertEquals(1, warnings.size(), cut.err());
        assertTrue(warnings.get(0).contains("snap-2") && warnings.get(0).contains("holds 1 line")
                && warnings.get(0).contains("counts 3"), warnings.get(0));
        for (String id : List.of("h-2", "h-3")) {
            assertEquals("open", finding(central, id).get("status"), id);
        }
        assertEquals(day2, finding(central, "h-1").get("last_seen"));
    }
}
