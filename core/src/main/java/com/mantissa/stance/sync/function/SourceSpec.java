package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageLocation;

/** One spoke scan location of the scheduled catch-up: where, whose account, which cloud. */
public record SourceSpec(StorageLocation location, String accountId, String provider) {
    /**
     * A source whose account is a safe path segment and whose provider is one of {@link Provider}'s.
     *
     * @param provider null for the location's own cloud
     * @throws IllegalArgumentException naming the account or the provider that is not valid
     */
    public static SourceSpec of(StorageLocation location, String account, String provider) {
        RecordPaths.validateAccount(account);
        String cloud = provider == null || provider.isBlank() ? location.scheme().provider()
                : Provider.parse(provider.strip(), "provider").value();
        return new SourceSpec(location, account, cloud);
    }
}
