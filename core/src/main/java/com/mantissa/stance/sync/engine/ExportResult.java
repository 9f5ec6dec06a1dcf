package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.RequestCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an export did: the snapshot it wrote (or found unchanged), how many verified findings
 * and assets it holds, the snapshots it dropped past {@code --keep}, and one error per record
 * it refused to export (a checksum mismatch, an unreadable object), and the requests it made
 * of central and the target, by kind.
 */
public record ExportResult(String snapshotId, long findings, long assets, boolean written,
                           List<String> removedSnapshots, List<String> errors, double durationSeconds,
                           RequestCounts requests) {

    public ExportResult {
        removedSnapshots = List.copyOf(removedSnapshots);
        errors = List.copyOf(errors);
    }

    public boolean success() {
        return errors.isEmpty();
    }

    /** The JSON the CLI prints with {@code --json}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("success", success());
        map.put("snapshot", snapshotId);
        map.put("findings", findings);
        map.put("assets", assets);
        map.put("written", written);
        map.put("removed_snapshots", removedSnapshots);
        map.put("errors", errors);
        map.put("duration_seconds", Math.round(durationSeconds * 1000) / 1000.0);
        map.put("requests", requests.toMap());
        return map;
    }
}
