package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PULL copies a record only when its {@code _checksum} verifies. A record without one (as
 * written with checksum verification off) is copied unverified, as the original does; one
 * whose {@code _checksum} is present but not the matching string (a number, null, empty,
 * another digest) is a mismatch: reported and not copied.
 */
class PullVerificationTest {
    private static final String ACCOUNT = "123456789012";

    @TempDir
    Path root;

    static Map<String, Object> record(String id) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("severity", "high");
        r.put("_source_account", ACCOUNT);
        r.put("_version", 1);
        return r;
    }

    @Test
    void aChecksumThatIsPresentButNotTheMatchingStringIsAMismatch() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("number", 123);
        cases.put("null", null);
        cases.put("empty", "");
        cases.put("list", List.of(Checksums.recordChecksum(record("list"))));
        cases.put("other-digest", "0".repeat(64));
        List<String> expectedErrors = new ArrayList<>();
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Map<String, Object> r = record(c.getKey());
            r.put("_checksum", c.getValue());
            String path = RecordPaths.findingPath("aggregated", ACCOUNT, c.getKey());
            central.writeRecord(path, CanonicalJson.bytes(r));
            expectedErrors.add("Checksum mismatch for " + path + "; not copied");
        }
        Map<String, Object> verified = record("verified");
        verified.put("_checksum", Checksums.recordChecksum(verified));
        central.writeRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "verified"), CanonicalJson.bytes(verified));
        central.writeRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "unverified"),
                CanonicalJson.bytes(record("unverified")));

        SyncResult result = new CrossCloudSync(SyncConfig.builder("central").syncDirection(SyncDirection.PULL).build(),
                central, target).sync();

        assertEquals(2, result.recordsSynced(), result.toString());
        assertEquals(expectedErrors.stream().sorted().toList(), result.errors().stream().sorted().toList());
        for (String id : cases.keySet()) {
            assertTrue(target.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, id)).isEmpty(), id);
        }
        assertTrue(target.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "unverified")).isPresent());
    }

    @Test
    void withVerificationOffEveryJsonRecordIsCopied() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        LocalStorageAdapter target = new LocalStorageAdapter(root.resolve("replica"));
        Map<String, Object> r = record("f-1");
        r.put("_checksum", 123);
        central.writeRecord(RecordPaths.findingPath("aggregated", ACCOUNT, "f-1"), CanonicalJson.bytes(r));

        SyncResult result = new CrossCloudSync(SyncConfig.builder("central").syncDirection(SyncDirection.PULL)
                .checksumVerify(false).build(), central, target).sync();

        assertEquals(List.of(), result.errors());
        assertEquals(1, result.recordsSynced());
    }
}
