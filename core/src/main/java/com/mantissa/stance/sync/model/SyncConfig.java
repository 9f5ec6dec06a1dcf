package com.mantissa.stance.sync.model;

import java.util.Objects;

/**
 * Validated sync settings with the original's defaults. Built once at start-up; an invalid
 * value fails here with a message naming the field, never half-way through a sync.
 */
public final class SyncConfig {
    public static final String DEFAULT_PREFIX = "aggregated";
    public static final int DEFAULT_BATCH_SIZE = 1000;
    /**
     * Parallel store calls where no fixed concurrency is set and nothing adapts it (exports,
     * prunes, the reads that resolve missing records), and where an adaptive push starts:
     * I/O bound, and a 1–2 vCPU Lambda has sockets to spare.
     */
    public static final int DEFAULT_CONCURRENCY = 16;

    private final String centralBucket;
    private final String centralPrefix;
    private final SyncDirection syncDirection;
    private final ConflictResolution conflictResolution;
    private final boolean includeAssets;
    private final int batchSize;
    private final boolean checksumVerify;
    private final int concurrency;
    private final boolean adaptiveConcurrency;

    private SyncConfig(Builder b) {
        if (b.centralBucket == null || b.centralBucket.isBlank()) {
            throw new IllegalArgumentException("central_bucket is required and must not be blank");
        }
        if (b.centralPrefix == null) {
            throw new IllegalArgumentException("central_prefix must not be null");
        }
        if (b.batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + b.batchSize);
        }
        if (b.concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + b.concurrency);
        }
        this.centralBucket = b.centralBucket;
        this.centralPrefix = normaliseCentralPrefix(b.centralPrefix);
        this.syncDirection = Objects.requireNonNull(b.syncDirection, "sync_direction");
        this.conflictResolution = Objects.requireNonNull(b.conflictResolution, "conflict_resolution");
        this.includeAssets = b.includeAssets;
        this.batchSize = b.batchSize;
        this.checksumVerify = b.checksumVerify;
        this.concurrency = b.concurrency;
        this.adaptiveConcurrency = b.adaptiveConcurrency;
    }

    /**
     * A central prefix as every part of the sync uses it: without surrounding whitespace or
     * leading and trailing {@code /}.
     *
     * @throws IllegalArgumentException when it has an empty, {@code .} or {@code ..} segment, a
     *                                  backslash or a control character
     */
    public static String normaliseCentralPrefix(String prefix) {
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        for (String segment : p.split("/", -1)) {
            if (!p.isEmpty() && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                throw new IllegalArgumentException("central_prefix has an empty, '.' or '..' segment: '" + prefix + "'");
            }
        }
        if (p.indexOf('\\') >= 0 || p.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("central_prefix must not contain '\\' or control characters");
        }
        return p;
    }

    public static Builder builder(String centralBucket) {
        return new Builder(centralBucket);
    }

    public Builder toBuilder() {
        return new Builder(centralBucket).centralPrefix(centralPrefix).syncDirection(syncDirection)
                .conflictResolution(conflictResolution).includeAssets(includeAssets).batchSize(batchSize)
                .checksumVerify(checksumVerify).concurrency(concurrency).adaptiveConcurrency(adaptiveConcurrency);
    }

    public String centralBucket() {
        return centralBucket;
    }

    /** Without leading or trailing slash; may be empty (records at the store's root). */
    public String centralPrefix() {
        return centralPrefix;
    }

    public SyncDirection syncDirection() {
        return syncDirection;
    }

    public ConflictResolution conflictResolution() {
        return conflictResolution;
    }

    public boolean includeAssets() {
        return includeAssets;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean checksumVerify() {
        return checksumVerify;
    }

    /** The fixed number of parallel store calls; {@link #DEFAULT_CONCURRENCY} when it adapts. */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Whether a sync adapts its parallelism to the store (the default): more records at once
     * while the store answers as fast, fewer when it slows down or throttles. Setting a
     * {@linkplain Builder#concurrency(int) fixed concurrency} turns it off.
     */
    public boolean adaptiveConcurrency() {
        return adaptiveConcurrency;
    }

    @Override
    public String toString() {
        return "SyncConfig{central_bucket=" + centralBucket + ", central_prefix=" + centralPrefix
                + ", sync_direction=" + syncDirection.value() + ", conflict_resolution=" + conflictResolution.value()
                + ", include_assets=" + includeAssets + ", batch_size=" + batchSize
                + ", checksum_verify=" + checksumVerify + ", concurrency="
                + (adaptiveConcurrency ? "adaptive" : Integer.toString(concurrency)) + "}";
    }

    public static final class Builder {
        private final String centralBucket;
        private String centralPrefix = DEFAULT_PREFIX;
        private SyncDirection syncDirection = SyncDirection.PUSH;
        private ConflictResolution conflictResolution = ConflictResolution.LATEST_WINS;
        private boolean includeAssets = true;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean checksumVerify = true;
        private int concurrency = DEFAULT_CONCURRENCY;
        private boolean adaptiveConcurrency = true;

        private Builder(String centralBucket) {
            this.centralBucket = centralBucket;
        }

        public Builder centralPrefix(String v) {
            this.centralPrefix = v;
            return this;
        }

        public Builder syncDirection(SyncDirection v) {
            this.syncDirection = v;
            return this;
        }

        public Builder conflictResolution(ConflictResolution v) {
            this.conflictResolution = v;
            return this;
        }

        public Builder includeAssets(boolean v) {
            this.includeAssets = v;
            return this;
        }

        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        public Builder checksumVerify(boolean v) {
            this.checksumVerify = v;
            return this;
        }

        /** A fixed number of parallel store calls; turns adaptive concurrency off. */
        public Builder concurrency(int v) {
            this.concurrency = v;
            this.adaptiveConcurrency = false;
            return this;
        }

        /** Adapt the parallelism to the store (the default); {@code false} keeps {@link #concurrency(int)}. */
        public Builder adaptiveConcurrency(boolean v) {
            this.adaptiveConcurrency = v;
            return this;
        }

        public SyncConfig build() {
            return new SyncConfig(this);
        }
    }
}
