package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.model.SyncConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one run of a sync operation is told, fixed when the run starts: the validated
 * {@link SyncConfig} and the engine's own switches. Immutable; {@link #toBuilder()} makes a
 * changed copy, so an operation can never see an option change half-way through a run.
 *
 * @param config      the validated settings (prefix, direction, conflict rule, batch size, ...)
 * @param dryRun      report what would be written without writing anything
 * @param trackState  remember every record for {@code getSyncState()}; off for large pushes
 * @param useIndex    let PUSH keep and use the per-account push index
 * @param clock       stamps {@code _synced_at} and the index's check times
 * @param indexMaxAge how long an index entry is trusted without looking at central again;
 *                    {@link Duration#ZERO} re-checks every record
 */
public record SyncOptions(SyncConfig config, boolean dryRun, boolean trackState, boolean useIndex, Clock clock,
                          Duration indexMaxAge) {
    /** How long the push index vouches for a record before it is checked against central again. */
    public static final Duration DEFAULT_INDEX_MAX_AGE = Duration.ofHours(24);

    public SyncOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(indexMaxAge, "indexMaxAge");
        if (indexMaxAge.isNegative()) {
            throw new IllegalArgumentException("index max age must not be negative, got " + indexMaxAge);
        }
    }

    public static Builder builder(SyncConfig config) {
        return new Builder(config);
    }

    public Builder toBuilder() {
        return new Builder(config).dryRun(dryRun).trackState(trackState).useIndex(useIndex).clock(clock)
                .indexMaxAge(indexMaxAge);
    }

    /** Builds {@link SyncOptions}; starts from the defaults (writes, tracks state, uses the index). */
    public static final class Builder {
        private SyncConfig config;
        private boolean dryRun;
        private boolean trackState = true;
        private boolean useIndex = true;
        private Clock clock = Clock.systemUTC();
        private Duration indexMaxAge = DEFAULT_INDEX_MAX_AGE;

        private Builder(SyncConfig config) {
            this.config = config;
        }

        public Builder config(SyncConfig config) {
            this.config = config;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder trackState(boolean trackState) {
            this.trackState = trackState;
            return this;
        }

        public Builder useIndex(boolean useIndex) {
            this.useIndex = useIndex;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder indexMaxAge(Duration indexMaxAge) {
            this.indexMaxAge = indexMaxAge;
            return this;
        }

        public SyncOptions build() {
            return new SyncOptions(config, dryRun, trackState, useIndex, clock, indexMaxAge);
        }
    }
}
