package com.mantissa.stance.sync.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolve pass of one account: findings resolved, missing findings already resolved,
 * missing assets removed, and whether it was refused because it would have resolved more than
 * the allowed share of the account's open findings (then nothing was written).
 */
public record ResolveMissingResult(long resolved, long alreadyResolved, long assetsRemoved, long openBefore,
                                   boolean refused, List<String> errors) {

    public ResolveMissingResult {
        errors = List.copyOf(errors);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("resolved", resolved);
        map.put("already_resolved", alreadyResolved);
        map.put("assets_removed", assetsRemoved);
        map.put("open_before", openBefore);
        map.put("refused", refused);
        return map;
    }
}
