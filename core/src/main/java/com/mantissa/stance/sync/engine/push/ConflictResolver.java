package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what to do when central already holds a record whose content differs from the
 * local one. Works on model keys only; the engine owns the {@code _} keys.
 */
final class ConflictResolver {
    private ConflictResolver() {
    }

    /** The model content to write, or empty to keep central's. */
    static Optional<Map<String, Object>> resolve(ConflictResolution strategy, Map<String, Object> local,
                                                 String localSyncedAt, Map<String, Object> central) {
        return switch (strategy) {
            case CENTRAL_WINS -> Optional.empty();
            case LOCAL_WINS -> Optional.of(local);
            case LATEST_WINS -> localIsNewer(local, localSyncedAt, central) ? Optional.of(local) : Optional.empty();
            case MERGE -> Optional.of(merge(local, central));
        };
    }

    /**
     * Compares {@code last_seen}, else {@code _synced_at}, naive times as UTC. Only a strictly
     * newer local record wins; an unparsable time lets local win, as in the original. A tie
     * goes to local when a resolve pass wrote central's record: that pass inferred "resolved"
     * from a snapshot that lacked the finding, while local is a scan that reports it.
     */
    static boolean localIsNewer(Map<String, Object> local, String localSyncedAt, Map<String, Object> central) {
        Object localTime = firstNonEmpty(local.get("last_seen"), localSyncedAt);
        Object centralTime = firstNonEmpty(central.get("last_seen"), central.get("_synced_at"));
        if (!(localTime instanceof String l) || !(centralTime instanceof String c)) {
            return true;
        }
        Optional<Instant> li = PythonTimestamps.toInstant(l);
        Optional<Instant> ci = PythonTimestamps.toInstant(c);
        if (li.isEmpty() || ci.isEmpty()) {
            return true;
        }
        return li.get().isAfter(ci.get())
                || li.get().equals(ci.get()) && CentralRecordCodec.resolvedByResolvePass(central);
    }

    /**
     * Field-level merge: local values that carry information win, central's are kept
     * otherwise; frameworks are the union (central's order, then local's additions);
     * first_seen is the earliest and last_seen the latest of both.
     */
    static Map<String, Object> merge(Map<String, Object> local, Map<String, Object> central) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : local.entrySet()) {
            String key = e.getKey();
            Object localValue = e.getValue();
            Object centralValue = central.get(key);
            merged.put(key, isEmpty(localValue) && !isEmpty(centralValue) ? centralValue : localValue);
        }
        if (local.containsKey("compliance_frameworks")) {
            merged.put("compliance_frameworks",
                    union(central.get("compliance_frameworks"), local.get("compliance_frameworks")));
        }
        if (local.containsKey("first_seen")) {
            merged.put("first_seen", pickTime(local.get("first_seen"), central.get("first_seen"), false));
        }
        if (local.containsKey("last_seen")) {
            merged.put("last_seen", pickTime(local.get("last_seen"), central.get("last_seen"), true));
        }
        return merged;
    }

    private static List<Object> union(Object first, Object second) {
        LinkedHashSet<Object> all = new LinkedHashSet<>();
        if (first instanceof Collection<?> c) {
            all.addAll(c);
        }
        if (second instanceof Collection<?> c) {
            all.addAll(c);
        }
        return new ArrayList<>(all);
    }

    /** The earlier (or later) of two timestamps; a missing or unparsable one loses. */
    private static Object pickTime(Object local, Object central, boolean latest) {
        Optional<Instant> l = local instanceof String s ? PythonTimestamps.toInstant(s) : Optional.empty();
        Optional<Instant> c = central instanceof String s ? PythonTimestamps.toInstant(s) : Optional.empty();
        if (l.isEmpty()) {
            return c.isPresent() ? central : local;
        }
        if (c.isEmpty()) {
            return local;
        }
        boolean centralBetter = latest ? c.get().isAfter(l.get()) : c.get().isBefore(l.get());
        return centralBetter ? central : local;
    }

    private static Object firstNonEmpty(Object a, Object b) {
        return isEmpty(a) ? b : a;
    }

    static boolean isEmpty(Object v) {
        return v == null
                || (v instanceof String s && s.isEmpty())
                || (v instanceof Collection<?> c && c.isEmpty())
                || (v instanceof Map<?, ?> m && m.isEmpty());
    }
}
