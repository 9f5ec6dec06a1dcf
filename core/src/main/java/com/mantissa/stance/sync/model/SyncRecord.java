package com.mantissa.stance.sync.model;

import java.time.Instant;

/**
 * One record the engine wrote or verified. {@code version} counts accepted writes of that
 * record in central (1 for the create, +1 per accepted replace), unlike the original's
 * constant 1.
 */
public record SyncRecord(String id, String recordType, String sourceAccount, String sourceProvider,
                         Instant syncedAt, String checksum, long version) {
}
