package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.ResolveSettings;
import picocli.CommandLine.Option;

/** The push options of the resolve pass. */
final class ResolveOptions {
    @Option(names = "--resolve-missing", description = "Take the snapshot as the account's complete state: resolve "
            + "the account's central findings it no longer has, remove assets it no longer has.")
    boolean resolveMissing;

    @Option(names = "--resolve-max-share", paramLabel = "SHARE", defaultValue = "0.5",
            description = "Refuse (write nothing) when more than this share of the account's open findings would be "
                    + "resolved (default: ${DEFAULT-VALUE}).")
    double maxShare;

    @Option(names = "--force-resolve", description = "Resolve even past --resolve-max-share.")
    boolean force;

    /** Null without {@code --resolve-missing}. */
    ResolveSettings settings() {
        return resolveMissing ? new ResolveSettings(maxShare, force) : null;
    }
}
