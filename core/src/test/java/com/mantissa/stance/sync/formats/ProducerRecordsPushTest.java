package com.mantissa.stance.sync.formats;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.asff;
import static com.mantissa.stance.sync.formats.ProducerDocuments.assets;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.findings;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static com.mantissa.stance.sync.formats.ProducerDocuments.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer records are the raw maps a Stance scan line gives: pushed as they are, they land under
 * the Stance paths with the model's keys and a {@code _checksum} that verifies.
 */
class ProducerRecordsPushTest {
    @TempDir
    Path root;

    @Test
    void ocsfAndAsffRecordsLandAsStanceRecords() {
        List<ProducerRecord> records = new ArrayList<>(read(pretty(List.of(
                detection("<finding_uid>", "s3_bucket_public_read", "arn:aws:s3:::logs"),
                detection("uid-2", "iam_root_mfa", "arn:aws:iam::111122223333:root")))));
        records.addAll(read(pretty(Map.of("Findings", List.of(asff("arn:aws:securityhub:eu-west-1:111122223333:f/1")))),
                "get-findings.json", null, ACCOUNT));
        LocalStorageAdapter central = new LocalStorageAdapter(root);
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), central);
        sync.addLocalFindings(findings(records).stream().map(ProducerRecord::raw).toList(), ACCOUNT, "aws");
        sync.addLocalAssets(assets(records).stream().map(ProducerRecord::raw).toList(), ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertEquals(List.of(), result.errors());
        assertEquals(6, result.recordsSynced());

        for (ProducerRecord r : records) {
            boolean finding = r.kind() == ProducerRecord.Kind.FINDING;
            String id = (String) r.raw().get("id");
            String path = finding ? RecordPaths.findingPath("aggregated", ACCOUNT, id)
                    : RecordPaths.assetPath("aggregated", ACCOUNT, id);
            Map<String, Object> stored = JsonParser.parseObject(new String(
                    central.readRecord(path).orElseThrow().content(), StandardCharsets.UTF_8));
            assertEquals(Checksums.recordChecksum(stored), stored.get("_checksum"), path);
            Map<String, Object> model = finding ? Finding.normalise(r.raw()) : Asset.normalise(r.raw());
            for (Map.Entry<String, Object> e : model.entrySet()) {
                assertEquals(e.getValue(), stored.get(e.getKey()), path + " " + e.getKey());
            }
            assertTrue(stored.keySet().containsAll(finding ? Finding.KEYS : Asset.KEYS), path);
        }
    }
}
