package com.mantissa.stance.sync.engine.scan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a snapshot looked at: the (region, resource type) pairs of the assets in its inventory.
 * A scan limited to some regions or some services lists only those assets, so a finding whose
 * asset lies outside every pair was not looked for, and its absence says nothing. An empty
 * coverage is a snapshot without an inventory. A value: immutable, comparable by content, and
 * storable as a JSON object ({@link #toMap()}, {@link #fromMap(Map)}).
 */
public final class Coverage {
    /** The coverage of a snapshot without an inventory. */
    public static final Coverage NONE = new Coverage(new TreeSet<>());

    /** One (region, resource type) pair; an asset without a region has region {@code ""}. */
    public record Pair(String region, String resourceType) implements Comparable<Pair> {
        public Pair {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(resourceType, "resourceType");
        }

        /** The pair of an asset record, raw or central: its {@code region} and {@code resource_type}, "" when absent. */
        public static Pair of(Map<String, Object> asset) {
            return new Pair(text(asset.get("region")), text(asset.get("resource_type")));
        }

        private static String text(Object value) {
            return value instanceof String s ? s : value == null ? "" : String.valueOf(value);
        }

        @Override
        public int compareTo(Pair o) {
            int c = region.compareTo(o.region);
            return c != 0 ? c : resourceType.compareTo(o.resourceType);
        }
    }

    private final TreeSet<Pair> pairs;

    private Coverage(TreeSet<Pair> pairs) {
        this.pairs = pairs;
    }

    /** The coverage of exactly these pairs. */
    public static Coverage of(Iterable<Pair> pairs) {
        TreeSet<Pair> set = new TreeSet<>();
        pairs.forEach(set::add);
        return new Coverage(set);
    }

    /** Collects the pairs of a snapshot's assets as they are read. Not thread-safe. */
    public static final class Builder {
        private final TreeSet<Pair> pairs = new TreeSet<>();

        public Builder add(Pair pair) {
            pairs.add(pair);
            return this;
        }

        public Builder add(Coverage coverage) {
            pairs.addAll(coverage.pairs);
            return this;
        }

        public Coverage build() {
            return new Coverage(new TreeSet<>(pairs));
        }
    }

    /** Whether the snapshot had an inventory at all. */
    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    public boolean covers(Pair pair) {
        return pairs.contains(pair);
    }

    public Set<Pair> pairs() {
        return Collections.unmodifiableSet(pairs);
    }

    /** Both coverages together: the coverage of two files of one snapshot. */
    public Coverage plus(Coverage other) {
        TreeSet<Pair> all = new TreeSet<>(pairs);
        all.addAll(other.pairs);
        return new Coverage(all);
    }

    /** {@code {"pairs": [["us-east-1", "s3_bucket"], ...]}}, sorted. */
    public Map<String, Object> toMap() {
        List<List<String>> list = new ArrayList<>(pairs.size());
        for (Pair pair : pairs) {
            list.add(List.of(pair.region(), pair.resourceType()));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pairs", list);
        return map;
    }

    /**
     * The coverage {@link #toMap()} wrote.
     *
     * @throws IllegalArgumentException when {@code map} is not such an object
     */
    public static Coverage fromMap(Map<?, ?> map) {
        if (!(map.get("pairs") instanceof List<?> list)) {
            throw new IllegalArgumentException("coverage has no list of pairs: " + map);
        }
        TreeSet<Pair> pairs = new TreeSet<>();
        for (Object item : list) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String region)
                    || !(pair.get(1) instanceof String type)) {
                throw new IllegalArgumentException("coverage pair is not [region, resource type]: " + item);
            }
            pairs.add(new Pair(region, type));
        }
        return new Coverage(pairs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Coverage c && c.pairs.equals(pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return "Coverage" + pairs;
    }
}
