package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.model.RecordKind;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An account's snapshot counted line by line ({@link CountedAs}): findings open, resolved and in
 * total, assets, and the kinds of record it read whole; and, counted by the push only, the
 * findings it reopened. Counted by the push as it goes (a line
 * known from its bytes counts as its index entry says), and by {@link SnapshotCensus} when a
 * resolve pass reads the snapshot beforehand; both count alike. Lines are counted, not ids: a
 * duplicated id counts once per line, as the census always did. Not thread-safe.
 */
public final class SnapshotCounts {
    private final Set<RecordKind> kinds = EnumSet.noneOf(RecordKind.class);
    private final Set<RecordKind> incomplete = EnumSet.noneOf(RecordKind.class);
    private long findings;
    private long open;
    private long resolved;
    private long assets;
    private long reopened;

    /** A file of {@code kind} is being read. */
    public void reading(RecordKind kind) {
        if (!incomplete.contains(kind)) {
            kinds.add(kind);
        }
    }

    /**
     * A file of {@code kind} could not be read whole: the snapshot is then not the account's
     * complete state of that kind, whatever its other files hold.
     */
    public void unreadable(RecordKind kind) {
        kinds.remove(kind);
        incomplete.add(kind);
    }

    /**
     * Counts one line.
     *
     * @throws IllegalArgumentException for {@link CountedAs#UNKNOWN}: a line is never guessed
     */
    public void add(CountedAs counted) {
        switch (counted) {
            case UNKNOWN -> throw new IllegalArgumentException("a line of unknown class cannot be counted");
            case NOTHING -> {
            }
            case ASSET -> assets++;
            case OPEN_FINDING -> {
                findings++;
                open++;
            }
            case RESOLVED_FINDING -> {
                findings++;
                resolved++;
            }
            case OTHER_FINDING -> findings++;
        }
    }

    /** The push wrote a finding open that central held as resolved. */
    public void reopened() {
        reopened++;
    }

    /** Findings the push reopened (not a count of the snapshot's lines: of what the push changed). */
    public long reopenedCount() {
        return reopened;
    }

    /** Adds another part of the same snapshot (another of its files). */
    public void add(SnapshotCounts other) {
        reopened += other.reopened;
        findings += other.findings;
        open += other.open;
        resolved += other.resolved;
        assets += other.assets;
        for (RecordKind kind : other.kinds) {
            reading(kind);
        }
        for (RecordKind kind : other.incomplete) {
            unreadable(kind);
        }
    }

    /** The kinds the snapshot holds whole: it is the complete state only of those. */
    public Set<RecordKind> kinds() {
        return kinds.isEmpty() ? EnumSet.noneOf(RecordKind.class) : EnumSet.copyOf(kinds);
    }

    public long findings() {
        return findings;
    }

    public long open() {
        return open;
    }

    public long resolved() {
        return resolved;
    }

    public long assets() {
        return assets;
    }

    /** The counts as a JSON object, for a push that resumes in another process. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("findings", findings);
        m.put("open", open);
        m.put("resolved", resolved);
        m.put("assets", assets);
        m.put("reopened", reopened);
        m.put("kinds", kinds.stream().map(RecordKind::folder).sorted().toList());
        m.put("incomplete", incomplete.stream().map(RecordKind::folder).sorted().toList());
        return m;
    }

    /**
     * The counts {@link #toMap()} wrote.
     *
     * @throws IllegalArgumentException when {@code m} is not such an object
     */
    public static SnapshotCounts fromMap(Map<?, ?> m) {
        SnapshotCounts counts = new SnapshotCounts();
        counts.findings = number(m.get("findings"));
        counts.open = number(m.get("open"));
        counts.resolved = number(m.get("resolved"));
        counts.assets = number(m.get("assets"));
        // Written before reopenings were counted: none.
        counts.reopened = m.containsKey("reopened") ? number(m.get("reopened")) : 0;
        for (RecordKind kind : RecordKind.values()) {
            if (m.get("kinds") instanceof List<?> kinds && kinds.contains(kind.folder())) {
                counts.kinds.add(kind);
            }
            if (m.get("incomplete") instanceof List<?> incomplete && incomplete.contains(kind.folder())) {
                counts.incomplete.add(kind);
            }
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotCounts c && c.toMap().equals(toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return toMap().toString();
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("snapshot count is not a number: " + o);
    }
}
