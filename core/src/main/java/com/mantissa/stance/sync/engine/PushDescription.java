package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything that decides how a push behaves, fixed once from the settings and handed to every
 * entry point's push: the CLI's {@code push} and {@code sync}, an object-created event, the
 * scheduled catch-up and the worker's source messages, continuations and events. Two pushes of
 * one scan under one description write the same central, write the same status and resolve the
 * same findings, however the scan arrived.
 *
 * @param config      central's bucket, prefix, conflict rule, batch size, concurrency, assets, checksums
 * @param indexMaxAge how long a push-index entry vouches for a record; {@link Duration#ZERO} re-checks every one
 * @param deadline    the bound on the whole push; null for none
 * @param resolve     the resolve pass after the push; null for none
 * @param useIndex    whether the account's push index is used
 * @param dryRun      read and decide, write nothing
 * @param format      the format every source file is read as (Stance, OCSF, ASFF); null to let
 *                    each file's name or first record decide
 */
public record PushDescription(SyncConfig config, Duration indexMaxAge, Duration deadline, ResolveSettings resolve,
                              boolean useIndex, boolean dryRun, Format format) {
    public static final Duration DEFAULT_INDEX_MAX_AGE = Duration.ofHours(24);

    public PushDescription {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(indexMaxAge, "indexMaxAge");
        if (indexMaxAge.isNegative()) {
            throw new IllegalArgumentException("index max age must not be negative: " + indexMaxAge);
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            // Zero means "no deadline" where a user writes it; here that is null.
            deadline = null;
        }
        if (config.syncDirection() != SyncDirection.PUSH) {
            config = config.toBuilder().syncDirection(SyncDirection.PUSH).build();
        }
    }

    /** A description whose files' format is decided by each file. */
    public PushDescription(SyncConfig config, Duration indexMaxAge, Duration deadline, ResolveSettings resolve,
                           boolean useIndex, boolean dryRun) {
        this(config, indexMaxAge, deadline, resolve, useIndex, dryRun, null);
    }

    /** The defaults: index entries trusted for a day, no deadline, no resolve pass, the index used. */
    public static PushDescription of(SyncConfig config) {
        return new PushDescription(config, DEFAULT_INDEX_MAX_AGE, null, null, true, false);
    }

    /** @param format null to let each file's name or first record decide */
    public PushDescription withFormat(Format format) {
        return new PushDescription(config, indexMaxAge, deadline, resolve, useIndex, dryRun, format);
    }

    public PushDescription withIndexMaxAge(Duration maxAge) {
        return new PushDescription(config, maxAge, deadline, resolve, useIndex, dryRun, format);
    }

    /** @param deadline null or zero for none */
    public PushDescription withDeadline(Duration deadline) {
        return new PushDescription(config, indexMaxAge, deadline, resolve, useIndex, dryRun, format);
    }

    /** @param resolve null for no resolve pass */
    public PushDescription withResolve(ResolveSettings resolve) {
        return new PushDescription(config, indexMaxAge, deadline, resolve, useIndex, dryRun, format);
    }

    public PushDescription withUseIndex(boolean useIndex) {
        return new PushDescription(config, indexMaxAge, deadline, resolve, useIndex, dryRun, format);
    }

    public PushDescription withDryRun(boolean dryRun) {
        return new PushDescription(config, indexMaxAge, deadline, resolve, useIndex, dryRun, format);
    }
}
