package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.time.Duration;
import java.util.Map;

/**
 * The scheduled function's settings of central's lifecycle, read through the settings table:
 * <ul>
 * <li>{@code STANCE_EXPORT_TARGET}: the tick exports central there as a Stance scan after its
 *     pushes, keeping {@code STANCE_EXPORT_KEEP} (default 3) snapshots.</li>
 * <li>{@code STANCE_STALE_AFTER} (default {@code 48h}): the tick logs one WARN line per account
 *     without a push for that long.</li>
 * </ul>
 * The resolve pass is part of every push's description ({@link FunctionSettings#push()}).
 */
public record LifecycleSettings(StorageLocation exportTarget, int exportKeep, Duration staleAfter) {
    public static final String RESOLVE_MISSING = Settings.RESOLVE_MISSING.env();
    public static final String RESOLVE_MAX_SHARE = Settings.RESOLVE_MAX_SHARE.env();
    public static final String EXPORT_TARGET = Settings.EXPORT_TARGET.env();
    public static final String EXPORT_KEEP = Settings.EXPORT_KEEP.env();
    public static final String STALE_AFTER = Settings.STALE_AFTER.env();

    /** The defaults: no export, stale after 48 hours. */
    public static final LifecycleSettings DEFAULTS = fromEnvironment(Map.of());

    /** @throws com.mantissa.stance.sync.settings.ConfigurationException naming the first invalid variable */
    public static LifecycleSettings fromEnvironment(Map<String, String> env) {
        StorageLocation export = Settings.EXPORT_TARGET.from(env)
                .map(t -> FunctionSettings.location(EXPORT_TARGET, t)).orElse(null);
        return new LifecycleSettings(export, Settings.EXPORT_KEEP.fromOrDefault(env),
                Settings.STALE_AFTER.fromOrDefault(env));
    }
}
