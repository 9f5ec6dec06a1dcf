package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.account.AccountPushPass;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' settings of central's lifecycle:
 * <ul>
 * <li>{@value #RESOLVE_MISSING} (default {@code false}): each push is taken as the account's
 *     complete state of that kind of record (an object-created event names a complete
 *     snapshot file). Off by default because the pass lists the whole of central's findings
 *     (central's layout puts a hash folder before the account), which on every event of every
 *     account is the one cost that grows with the estate; turn it on where that listing is
 *     affordable, or run it from the schedule. A push that would resolve more than
 *     {@value #RESOLVE_MAX_SHARE} (default 0.5) of the account's unresolved findings or remove
 *     more than that share of its assets is refused and logged; nothing of it is written.
 *     {@code false} keeps central growing as the original did.</li>
 * <li>{@value #EXPORT_TARGET}: the scheduled function exports central there as a Stance scan
 *     after its pushes, keeping {@value #EXPORT_KEEP} (default 3) snapshots.</li>
 * <li>{@value #STALE_AFTER} (default {@code 48h}): the scheduled function logs one WARN line
 *     per account without a push for that long.</li>
 * </ul>
 */
public record LifecycleSettings(AccountPushPass.ResolveSettings resolve, StorageLocation exportTarget, int exportKeep,
                                Duration staleAfter) {
    public static final String RESOLVE_MISSING = "STANCE_RESOLVE_MISSING";
    public static final String RESOLVE_MAX_SHARE = "STANCE_RESOLVE_MAX_SHARE";
    public static final String EXPORT_TARGET = "STANCE_EXPORT_TARGET";
    public static final String EXPORT_KEEP = "STANCE_EXPORT_KEEP";
    public static final String STALE_AFTER = "STANCE_STALE_AFTER";

    /** The defaults: no resolve pass, no export, stale after 48 hours. */
    public static final LifecycleSettings DEFAULTS = new LifecycleSettings(null, null, 3, Duration.ofHours(48));

    /** @throws IllegalArgumentException naming the first invalid variable */
    public static LifecycleSettings fromEnvironment(Map<String, String> env) {
        boolean resolve = Optional.ofNullable(get(env, RESOLVE_MISSING)).map(t -> FunctionSettings.bool(RESOLVE_MISSING, t))
                .orElse(false);
        double share = 0.5;
        String text = get(env, RESOLVE_MAX_SHARE);
        if (text != null) {
            try {
                share = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                share = Double.NaN;
            }
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException(RESOLVE_MAX_SHARE + " must be a number from 0 to 1, got '" + text + "'");
            }
        }
        StorageLocation export = null;
        if ((text = get(env, EXPORT_TARGET)) != null) {
            try {
                export = StorageLocation.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(EXPORT_TARGET + ": " + e.getMessage(), e);
            }
        }
        int keep = 3;
        if ((text = get(env, EXPORT_KEEP)) != null) {
            try {
                keep = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                keep = 0;
            }
            if (keep < 1) {
                throw new IllegalArgumentException(EXPORT_KEEP + " must be a whole number >= 1, got '" + text + "'");
            }
        }
        Duration stale = Duration.ofHours(48);
        if ((text = get(env, STALE_AFTER)) != null) {
            stale = duration(text);
        }
        return new LifecycleSettings(resolve ? new AccountPushPass.ResolveSettings(share, false) : null, export, keep,
                stale);
    }

    /** {@code 90m}, {@code 48h}, {@code 7d} or ISO-8601 ({@code PT36H}). */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(STALE_AFTER + " must be a duration (90m, 48h, 7d, PT36H), got '"
                    + text + "'", e);
        }
    }

    private static String get(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
