package com.mantissa.stance.sync.engine;

/**
 * How a push's resolve pass runs: it refuses (writes nothing) when it would resolve more than
 * {@code maxShare} of the account's open findings or remove that share of its assets, unless
 * {@code force}. A push without a resolve pass has none of these (null).
 */
public record ResolveSettings(double maxShare, boolean force) {
    public ResolveSettings {
        if (!(maxShare >= 0 && maxShare <= 1)) {
            throw new IllegalArgumentException("resolve max share must be between 0 and 1, got " + maxShare);
        }
    }
}
