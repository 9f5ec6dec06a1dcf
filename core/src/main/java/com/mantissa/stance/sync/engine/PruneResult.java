package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.storage.RequestCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a prune removed (or, in a dry run, would remove) of one account, and the requests it made, by kind. */
public record PruneResult(String account, String provider, long findings, long assets, long stateObjects,
                          long otherProviderRecords, boolean dryRun, List<String> errors, double durationSeconds,
                          RequestCounts requests) {

    public PruneResult {
        errors = List.copyOf(errors);
    }

    public boolean success() {
        return errors.isEmpty();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("success", success());
        map.put("account", account);
        map.put("provider", provider);
        map.put("dry_run", dryRun);
        map.put("findings_removed", findings);
        map.put("assets_removed", assets);
        map.put("state_objects_removed", stateObjects);
        map.put("other_provider_records_kept", otherProviderRecords);
        map.put("errors", errors);
        map.put("duration_seconds", Math.round(durationSeconds * 1000) / 1000.0);
        map.put("requests", requests.toMap());
        return map;
    }
}
