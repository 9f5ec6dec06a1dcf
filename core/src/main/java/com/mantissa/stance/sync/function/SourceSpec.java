package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.storage.StorageLocation;

/** One spoke scan location of the scheduled catch-up: where, whose account, which cloud. */
public record SourceSpec(StorageLocation location, String accountId, String provider) {
}
