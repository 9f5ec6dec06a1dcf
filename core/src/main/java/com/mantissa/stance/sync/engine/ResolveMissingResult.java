package com.mantissa.stance.sync.engine;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolve pass of one account: findings resolved (each with its reason, in {@link #changes()}),
 * missing findings already resolved, missing findings and assets left because the snapshot did
 * not cover their (region, resource type), missing assets removed, and whether it was refused
 * because it would have resolved more than the allowed share of the account's open findings
 * (then nothing was written).
 *
 * @param resolvedByReason  the account's findings resolved by a resolve pass, by reason: those this
 *                          pass resolved and those it found resolved with a reason already
 * @param snapshotUnchanged no pass ran: the snapshot is unchanged since the account's last pass, not
 *                          read, and this is what that pass left (all of it already resolved)
 */
public record ResolveMissingResult(long resolved, long alreadyResolved, long assetsRemoved, long openBefore,
                                   boolean refused, List<String> errors, long notCovered, long assetsNotCovered,
                                   Map<Reason, Long> resolvedByReason, List<Resolved> changes,
                                   boolean snapshotUnchanged) {

    /** Why the resolve pass resolved a finding, as {@code _resolved_reason} names it. */
    public enum Reason {
        /** The finding's asset is still in the snapshot's inventory: the check passes now. */
        FIXED("fixed"),
        /** The asset is gone from a (region, resource type) the snapshot covered. */
        RESOURCE_DELETED("resource_deleted"),
        /** The snapshot had no inventory, so it stands for the whole account. */
        MISSING_FROM_SCAN("missing_from_scan");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The reason {@code text} names; null for anything else. */
        public static Reason of(Object text) {
            for (Reason reason : values()) {
                if (reason.text.equals(text)) {
                    return reason;
                }
            }
            return null;
        }
    }

    /**
     * One finding the pass resolved (or, in a plan, would resolve): what a change feed records.
     *
     * @param key the finding's central key
     */
    public record Resolved(String key, String id, Reason reason, String severity, String title, String assetId) {
    }

    public ResolveMissingResult {
        errors = List.copyOf(errors);
        changes = List.copyOf(changes);
        EnumMap<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            byReason.put(reason, resolvedByReason.getOrDefault(reason, 0L));
        }
        resolvedByReason = java.util.Collections.unmodifiableMap(byReason);
    }

    /** A pass that ran. */
    public ResolveMissingResult(long resolved, long alreadyResolved, long assetsRemoved, long openBefore,
                                boolean refused, List<String> errors, long notCovered, long assetsNotCovered,
                                Map<Reason, Long> resolvedByReason, List<Resolved> changes) {
        this(resolved, alreadyResolved, assetsRemoved, openBefore, refused, errors, notCovered, assetsNotCovered,
                resolvedByReason, changes, false);
    }

    /** A pass without coverage data: nothing left uncovered, no reasons known. */
    public ResolveMissingResult(long resolved, long alreadyResolved, long assetsRemoved, long openBefore,
                                boolean refused, List<String> errors) {
        this(resolved, alreadyResolved, assetsRemoved, openBefore, refused, errors, 0, 0, Map.of(), List.of());
    }

    /** {@code {"fixed": n, "resource_deleted": n, "missing_from_scan": n}}. */
    public Map<String, Object> resolvedByReasonMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        resolvedByReason.forEach((reason, n) -> map.put(reason.text(), n));
        return map;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("resolved", resolved);
        map.put("already_resolved", alreadyResolved);
        map.put("assets_removed", assetsRemoved);
        map.put("open_before", openBefore);
        map.put("refused", refused);
        map.put("not_covered", notCovered);
        map.put("assets_not_covered", assetsNotCovered);
        map.put("resolved_by_reason", resolvedByReasonMap());
        return map;
    }
}
