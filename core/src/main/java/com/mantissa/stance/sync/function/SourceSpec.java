package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.PushDescription;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.storage.StorageLocation;

/**
 * One spoke scan location of the scheduled catch-up: where, whose account, which cloud, and the
 * format its files are read as (null: as the push description says, else by each file).
 */
public record SourceSpec(StorageLocation location, String accountId, String provider, Format format) {
    /** A source whose files' format the push decides. */
    public SourceSpec(StorageLocation location, String accountId, String provider) {
        this(location, accountId, provider, null);
    }

    /** {@code push}, reading this source's files as its own format when it has one. */
    public PushDescription pushedAs(PushDescription push) {
        return format == null ? push : push.withFormat(format);
    }

    /** The same source read as {@code format}; null lets the push decide. */
    public SourceSpec withFormat(Format format) {
        return new SourceSpec(location, accountId, provider, format);
    }

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
