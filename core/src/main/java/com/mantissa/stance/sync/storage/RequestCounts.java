package com.mantissa.stance.sync.storage;

/**
 * Store requests made, by kind: what a run cost. Every attempt counts, retries included,
 * because every attempt is billed.
 *
 * @param reads              object reads (GET, streaming opens)
 * @param conditionalWrites  writes that carry a condition (create-if-absent, replace-if-match)
 * @param unconditionalWrites writes without a condition
 * @param lists              list calls, one per listing (adapters may page inside one)
 * @param deletes            deletes
 * @param metadata           metadata reads (HEAD)
 */
public record RequestCounts(long reads, long conditionalWrites, long unconditionalWrites, long lists, long deletes,
                            long metadata) {
    public static final RequestCounts NONE = new RequestCounts(0, 0, 0, 0, 0, 0);

    public long total() {
        return reads + conditionalWrites + unconditionalWrites + lists + deletes + metadata;
    }

    public RequestCounts plus(RequestCounts o) {
        return new RequestCounts(reads + o.reads, conditionalWrites + o.conditionalWrites,
                unconditionalWrites + o.unconditionalWrites, lists + o.lists, deletes + o.deletes,
                metadata + o.metadata);
    }

    /** The requests made since {@code earlier}, a reading of the same counter. */
    public RequestCounts minus(RequestCounts earlier) {
        return new RequestCounts(reads - earlier.reads, conditionalWrites - earlier.conditionalWrites,
                unconditionalWrites - earlier.unconditionalWrites, lists - earlier.lists, deletes - earlier.deletes,
                metadata - earlier.metadata);
    }

    /** For a summary line: {@code 12002 requests: 1 read, 12001 conditional writes, ...}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(total()).append(total() == 1 ? " request: " : " requests: ")
                .append(reads).append(reads == 1 ? " read, " : " reads, ")
                .append(conditionalWrites).append(conditionalWrites == 1 ? " conditional write, " : " conditional writes, ");
        if (unconditionalWrites > 0) {
            s.append(unconditionalWrites).append(unconditionalWrites == 1 ? " unconditional write, "
                    : " unconditional writes, ");
        }
        return s.append(lists).append(lists == 1 ? " list, " : " lists, ")
                .append(deletes).append(deletes == 1 ? " delete, " : " deletes, ")
                .append(metadata).append(" metadata").toString();
    }

    /** The counts as a map for JSON log lines. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("reads", reads);
        m.put("conditional_writes", conditionalWrites);
        m.put("unconditional_writes", unconditionalWrites);
        m.put("lists", lists);
        m.put("deletes", deletes);
        m.put("metadata", metadata);
        m.put("total", total());
        return m;
    }
}
