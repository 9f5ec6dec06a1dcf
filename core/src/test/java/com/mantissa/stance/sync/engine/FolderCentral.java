package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Central in a folder, with the pushes and read-backs that the engine's push tests share. */
final class FolderCentral {
    static final String ACCOUNT = "123456789012";

    final LocalStorageAdapter store;

    FolderCentral(Path folder) {
        this.store = new LocalStorageAdapter(folder);
    }

    /** A scan finding with the fields these tests vary. */
    static Map<String, Object> finding(String id, String lastSeen, String title) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("severity", "HIGH");
        f.put("title", title);
        f.put("last_seen", lastSeen);
        return f;
    }

    /** Small batches and a few threads, so that a few records already span batches. */
    SyncConfig.Builder config() {
        return SyncConfig.builder("central").batchSize(7).concurrency(4);
    }

    /** Pushes {@code findings} of {@link #ACCOUNT} under {@code strategy}. */
    SyncResult push(ConflictResolution strategy, List<?> findings) {
        CrossCloudSync sync = new CrossCloudSync(config().conflictResolution(strategy).build(), store);
        sync.addLocalFindings(findings, ACCOUNT, "aws");
        return sync.sync();
    }

    /** The central record of finding {@code id}, as stored. */
    Map<String, Object> stored(String id) {
        StoredObject object = store.readRecord(RecordPaths.findingPath("aggregated", ACCOUNT, id)).orElseThrow();
        return JsonParser.parseObject(new String(object.content(), StandardCharsets.UTF_8));
    }
}
