package com.mantissa.stance.sync.engine.index;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an account's push index remembers of one scan file it pushed whole, every record without
 * an error: the version the store reported before the push read it (etag, or GCS generation; a
 * folder's token of size and modification time), its size, the snapshot it belongs to, when the
 * push read it, how many records it held, and what the account's status and resolve pass need of
 * it without reading it again: its counts ({@code SnapshotCounts.toMap()} of this file alone) and
 * whether it was read clean. {@code coverage} is kept for what a coverage-based resolve learns of
 * the file (its inventory's region and resource type pairs); this class only stores it.
 * {@code resolvePass} is what the account's resolve pass found when it completed after this very
 * version was pushed, the same for every file of the snapshot it covered; empty when none did.
 *
 * @param recordedAt  when the push read the file, epoch microseconds
 * @param records     the file's records, all reported as skipped when the file is not read again
 * @param resolvePass what a resolve pass over the snapshot found after the push (empty: none ran)
 */
public record ScanFileEntry(String kind, String version, long size, String snapshot, long recordedAt, long records,
                            boolean clean, Map<String, Object> counts, Map<String, Object> coverage,
                            Map<String, Object> resolvePass) {
    public ScanFileEntry {
        counts = Map.copyOf(counts);
        coverage = coverage == null ? Map.of() : Map.copyOf(coverage);
        resolvePass = resolvePass == null ? Map.of() : Map.copyOf(resolvePass);
    }

    /** An entry no resolve pass has covered yet. */
    public ScanFileEntry(String kind, String version, long size, String snapshot, long recordedAt, long records,
                         boolean clean, Map<String, Object> counts, Map<String, Object> coverage) {
        this(kind, version, size, snapshot, recordedAt, records, clean, counts, coverage, null);
    }

    /** This entry, covered by the resolve pass that found {@code pass}. */
    public ScanFileEntry withResolvePass(Map<String, Object> pass) {
        return new ScanFileEntry(kind, version, size, snapshot, recordedAt, records, clean, counts, coverage, pass);
    }

    /**
     * Whether a listing or metadata request that reports {@code version}, {@code size} and
     * {@code snapshot} shows the very file this entry describes.
     */
    public boolean sameFile(String version, long size, String snapshot) {
        return this.version.equals(version) && this.size == size && java.util.Objects.equals(this.snapshot, snapshot)
                && !version.isEmpty();
    }

    /** Whether the file was read less than {@code maxAgeMicros} before {@code nowMicros}. */
    public boolean fresh(long nowMicros, long maxAgeMicros) {
        return maxAgeMicros > 0 && nowMicros - recordedAt < maxAgeMicros && nowMicros >= recordedAt;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("version", version);
        m.put("size", size);
        m.put("snapshot", snapshot);
        m.put("recorded_at", recordedAt);
        m.put("records", records);
        m.put("clean", clean);
        m.put("counts", counts);
        m.put("coverage", coverage);
        m.put("resolve_pass", resolvePass);
        return m;
    }

    /** @throws CorruptIndexException when {@code m} is not what {@link #toMap()} wrote */
    @SuppressWarnings("unchecked")
    static ScanFileEntry fromMap(Object parsed) {
        if (parsed instanceof Map<?, ?> m && m.get("kind") instanceof String kind
                && m.get("version") instanceof String version && m.get("size") instanceof Number size
                && (m.get("snapshot") == null || m.get("snapshot") instanceof String)
                && m.get("recorded_at") instanceof Number at && m.get("records") instanceof Number records
                && m.get("clean") instanceof Boolean clean && m.get("counts") instanceof Map<?, ?> counts
                && m.get("coverage") instanceof Map<?, ?> coverage
                && (m.get("resolve_pass") == null || m.get("resolve_pass") instanceof Map<?, ?>)) {
            // An entry written before resolve passes were remembered has none: its file is read
            // again when a resolve pass needs it.
            return new ScanFileEntry(kind, version, size.longValue(), (String) m.get("snapshot"), at.longValue(),
                    records.longValue(), clean, (Map<String, Object>) counts, (Map<String, Object>) coverage,
                    (Map<String, Object>) m.get("resolve_pass"));
        }
        throw new CorruptIndexException("scan file entry is not an object of the expected fields");
    }
}
