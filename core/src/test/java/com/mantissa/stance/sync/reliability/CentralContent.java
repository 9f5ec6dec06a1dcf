package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** What a central store holds, read around the code under test, and the checks every record must pass. */
final class CentralContent {
    private CentralContent() {
    }

    /**
     * The engine's own objects next to the records: each account's push index and status
     * ({@code {prefix}/_state/{account}/}, binary or not records) and change feed
     * ({@code {prefix}/_changes/{account}/}, JSON lines). No record itself, so the record checks
     * leave them out.
     */
    static boolean isEngineObject(String key) {
        return key.startsWith("_state/") || key.contains("/_state/") || key.startsWith("_changes/")
                || key.contains("/_changes/");
    }

    /** Every object under {@code prefix} in an S3 bucket, read directly (not through a proxy). */
    static Map<String, byte[]> s3(S3Client client, String bucket, String prefix) {
        Map<String, byte[]> all = new TreeMap<>();
        for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (isEngineObject(o.key())) {
                continue;
            }
            ResponseBytes<GetObjectResponse> bytes = client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()));
            all.put(o.key(), bytes.asByteArray());
        }
        return all;
    }

    /** Every blob under {@code prefix} in an Azure container, read directly (not through a proxy). */
    static Map<String, byte[]> azure(BlobContainerClient container, String prefix) {
        Map<String, byte[]> all = new TreeMap<>();
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            if (isEngineObject(item.getName())) {
                continue;
            }
            all.put(item.getName(), container.getBlobClient(item.getName()).downloadContent().toBytes());
        }
        return all;
    }

    /** Every record under {@code prefix} in {@code store}, read through its adapter. */
    static Map<String, byte[]> of(StorageAdapter store, String prefix) {
        Map<String, byte[]> all = new TreeMap<>();
        for (String key : store.listRecords(prefix)) {
            if (!isEngineObject(key)) {
                all.put(key, store.readRecord(key).orElseThrow().content());
            }
        }
        return all;
    }

    /**
     * Key (without {@code prefix}) → {@code _checksum}, asserting that every object is a whole
     * JSON record whose checksum verifies: nothing torn, nothing corrupt is readable.
     */
    static Map<String, String> verifiedChecksums(Map<String, byte[]> objects, String prefix) {
        Map<String, String> checksums = new TreeMap<>();
        objects.forEach((key, bytes) -> {
            Map<String, Object> record = JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8));
            String stored = assertInstanceOf(String.class, record.get("_checksum"), key + " has a _checksum");
            assertEquals(stored, Checksums.recordChecksum(record), key + ": _checksum verifies");
            assertEquals(key.startsWith(prefix) ? key : null, key, key + " lies under " + prefix);
            checksums.put(key.substring(prefix.length()), stored);
        });
        return checksums;
    }

    /**
     * The reference: what a clean, fault-free run of the same engine writes for the scan in
     * {@code scanFolder}, into an in-memory store.
     */
    static Map<String, byte[]> cleanRun(Path scanFolder, String account, String provider) {
        MemoryStore store = new MemoryStore();
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("clean").build(), store).trackState(false);
        LocalStorageAdapter scan = new LocalStorageAdapter(scanFolder);
        sync.addScanFiles(scan, ScanLocator.locate(scan, ""), account, provider);
        SyncResult result = sync.sync();
        assertTrue(result.success(), () -> "the clean run succeeds: " + result.errors());
        Map<String, byte[]> records = new TreeMap<>(store.contents());
        records.keySet().removeIf(CentralContent::isEngineObject);
        return records;
    }

    /** {@code _version} of every record. */
    static Map<String, Long> versions(Map<String, byte[]> objects) {
        Map<String, Long> versions = new TreeMap<>();
        objects.forEach((key, bytes) -> versions.put(key,
                (Long) JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8)).get("_version")));
        return versions;
    }
}
