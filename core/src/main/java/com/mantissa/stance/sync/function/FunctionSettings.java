package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The functions' configuration, read once from environment variables (the same names on
 * AWS, GCP and Azure) and validated at start-up: every error names its variable.
 */
public final class FunctionSettings {
    public static final String CENTRAL_URI = "STANCE_CENTRAL_URI";
    public static final String CENTRAL_PREFIX = "STANCE_CENTRAL_PREFIX";
    public static final String CONFLICT_RESOLUTION = "STANCE_CONFLICT_RESOLUTION";
    public static final String SYNC_DIRECTION = "STANCE_SYNC_DIRECTION";
    public static final String INCLUDE_ASSETS = "STANCE_INCLUDE_ASSETS";
    public static final String BATCH_SIZE = "STANCE_BATCH_SIZE";
    public static final String CHECKSUM_VERIFY = "STANCE_CHECKSUM_VERIFY";
    public static final String CONCURRENCY = "STANCE_CONCURRENCY";
    public static final String ACCOUNT_ID = "STANCE_ACCOUNT_ID";
    public static final String SOURCES = "STANCE_SOURCES";
    public static final String PULL_TARGET = "STANCE_PULL_TARGET";
    public static final String INDEX_MAX_AGE = "STANCE_INDEX_MAX_AGE";
    public static final String DEADLINE = "STANCE_DEADLINE";
    /**
     * Below the templates' default function timeout (300 s), so that a store that never answers
     * ends the sync with errors that the function logs, instead of the platform killing it.
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(240);
    public static final Duration DEFAULT_INDEX_MAX_AGE = Duration.ofHours(24);

    private static final Set<String> PROVIDERS = Set.of("aws", "gcp", "azure");

    private final StorageLocation central;
    private final SyncConfig config;
    private final String accountId;
    private final List<SourceSpec> sources;
    private final StorageLocation pullTarget;
    private final LifecycleSettings lifecycle;
    private final Duration indexMaxAge;
    private final Duration deadline;

    private FunctionSettings(StorageLocation central, SyncConfig config, String accountId, List<SourceSpec> sources,
                             StorageLocation pullTarget, LifecycleSettings lifecycle, Duration indexMaxAge,
                             Duration deadline) {
        this.lifecycle = lifecycle;
        this.indexMaxAge = indexMaxAge;
        this.deadline = deadline;
        this.central = central;
        this.config = config;
        this.accountId = accountId;
        this.sources = List.copyOf(sources);
        this.pullTarget = pullTarget;
    }

    /** @throws IllegalArgumentException naming the first variable that is missing or invalid */
    public static FunctionSettings fromEnvironment(Map<String, String> env) {
        String centralText = get(env, CENTRAL_URI);
        if (centralText == null) {
            throw new IllegalArgumentException(CENTRAL_URI + " is required (e.g. s3://central-bucket/aggregated)");
        }
        StorageLocation central = location(CENTRAL_URI, centralText);
        String prefix = env.containsKey(CENTRAL_PREFIX) && env.get(CENTRAL_PREFIX) != null
                ? env.get(CENTRAL_PREFIX).strip()
                : central.prefixOr(SyncConfig.DEFAULT_PREFIX);
        SyncConfig.Builder builder = SyncConfig.builder(central.bucketName()).centralPrefix(prefix);
        String text;
        if ((text = get(env, CONFLICT_RESOLUTION)) != null) {
            builder.conflictResolution(ConflictResolution.parse(text, CONFLICT_RESOLUTION));
        }
        if ((text = get(env, SYNC_DIRECTION)) != null) {
            builder.syncDirection(SyncDirection.parse(text, SYNC_DIRECTION));
        }
        if ((text = get(env, INCLUDE_ASSETS)) != null) {
            builder.includeAssets(bool(INCLUDE_ASSETS, text));
        }
        if ((text = get(env, CHECKSUM_VERIFY)) != null) {
            builder.checksumVerify(bool(CHECKSUM_VERIFY, text));
        }
        if ((text = get(env, BATCH_SIZE)) != null) {
            builder.batchSize(positiveInt(BATCH_SIZE, text));
        }
        if ((text = get(env, CONCURRENCY)) != null) {
            builder.concurrency(positiveInt(CONCURRENCY, text));
        }
        SyncConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CENTRAL_URI + "/" + CENTRAL_PREFIX + ": " + e.getMessage(), e);
        }
        String account = get(env, ACCOUNT_ID);
        if (account != null) {
            try {
                RecordPaths.validateAccount(account);
            } catch (InvalidRecordException e) {
                throw new IllegalArgumentException(ACCOUNT_ID + ": " + e.getMessage(), e);
            }
        }
        List<SourceSpec> sources = sources(get(env, SOURCES));
        StorageLocation pullTarget = null;
        if ((text = get(env, PULL_TARGET)) != null) {
            pullTarget = location(PULL_TARGET, text);
        }
        if (config.syncDirection() != SyncDirection.PUSH && pullTarget == null) {
            throw new IllegalArgumentException(PULL_TARGET + " is required when " + SYNC_DIRECTION + " is "
                    + config.syncDirection().value());
        }
        Duration indexMaxAge = (text = get(env, INDEX_MAX_AGE)) == null ? DEFAULT_INDEX_MAX_AGE
                : duration(INDEX_MAX_AGE, text);
        Duration deadline = (text = get(env, DEADLINE)) == null ? DEFAULT_DEADLINE : duration(DEADLINE, text);
        return new FunctionSettings(central, config, account, sources, pullTarget,
                LifecycleSettings.fromEnvironment(env), indexMaxAge, deadline);
    }

    private static Duration duration(String variable, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }

    /** {@code uri|account|provider} entries separated by commas, semicolons or new lines. */
    static List<SourceSpec> sources(String text) {
        List<SourceSpec> sources = new ArrayList<>();
        if (text == null) {
            return sources;
        }
        for (String entry : text.split("[,;\\n]")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split("\\|", -1);
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException(SOURCES + ": entry '" + StorageLocation.redact(e) + "' must be uri|account|provider");
            }
            StorageLocation location = location(SOURCES, parts[0].strip());
            String account = parts[1].strip();
            try {
                RecordPaths.validateAccount(account);
            } catch (InvalidRecordException ex) {
                throw new IllegalArgumentException(SOURCES + ": entry '" + StorageLocation.redact(e) + "': " + ex.getMessage(), ex);
            }
            String provider = parts.length == 3 && !parts[2].isBlank()
                    ? parts[2].strip().toLowerCase(Locale.ROOT)
                    : location.scheme().provider();
            if (!PROVIDERS.contains(provider)) {
                throw new IllegalArgumentException(SOURCES + ": entry '" + StorageLocation.redact(e) + "': provider must be aws, gcp or azure");
            }
            sources.add(new SourceSpec(location, account, provider));
        }
        return sources;
    }

    private static StorageLocation location(String variable, String text) {
        try {
            return StorageLocation.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }

    private static String get(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    static boolean bool(String variable, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(variable + ": expected true or false, got '" + text + "'");
        };
    }

    private static int positiveInt(String variable, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new IllegalArgumentException(variable + ": expected a whole number >= 1, got '" + text + "'");
    }

    public StorageLocation central() {
        return central;
    }

    public SyncConfig config() {
        return config;
    }

    public Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    /** Resolve-missing, export and stale-account settings ({@code STANCE_RESOLVE_MISSING} …). */
    public LifecycleSettings lifecycle() {
        return lifecycle;
    }

    /** How long a push-index entry is trusted before central is looked at again ({@code STANCE_INDEX_MAX_AGE}). */
    public Duration indexMaxAge() {
        return indexMaxAge;
    }

    /** The bound on each sync ({@code STANCE_DEADLINE}). */
    public Duration deadline() {
        return deadline;
    }

    public Optional<StorageLocation> pullTarget() {
        return Optional.ofNullable(pullTarget);
    }
}
