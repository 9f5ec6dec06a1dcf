package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.PushDescription;
import com.mantissa.stance.sync.engine.PushNotifier;
import com.mantissa.stance.sync.engine.ResolveSettings;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.InvalidRecordException;
import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.notify.NotificationTargets;
import com.mantissa.stance.sync.notify.SeverityThreshold;
import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' and the worker's configuration, read once from environment variables (the
 * same names on AWS, GCP and Azure) through the one settings table ({@link Settings}) and
 * validated at start-up: every error is a {@link ConfigurationException} naming its variable
 * and value. {@link #push()} is the push description every push of the function runs with.
 */
public final class FunctionSettings {
    public static final String CENTRAL_URI = Settings.CENTRAL_URI.env();
    public static final String CENTRAL_PREFIX = Settings.CENTRAL_PREFIX.env();
    public static final String CONFLICT_RESOLUTION = Settings.CONFLICT_RESOLUTION.env();
    public static final String SYNC_DIRECTION = Settings.SYNC_DIRECTION.env();
    public static final String INCLUDE_ASSETS = Settings.INCLUDE_ASSETS.env();
    public static final String BATCH_SIZE = Settings.BATCH_SIZE.env();
    public static final String CHECKSUM_VERIFY = Settings.CHECKSUM_VERIFY.env();
    public static final String CONCURRENCY = Settings.CONCURRENCY.env();
    public static final String ACCOUNT_ID = Settings.ACCOUNT_ID.env();
    public static final String SOURCES = Settings.SOURCES.env();
    public static final String PULL_TARGET = Settings.PULL_TARGET.env();
    public static final String SOURCE_FORMAT = Settings.SOURCE_FORMAT.env();
    public static final String INDEX_MAX_AGE = Settings.INDEX_MAX_AGE.env();
    public static final String DEADLINE = Settings.DEADLINE.env();
    public static final Duration DEFAULT_DEADLINE = Settings.FUNCTION_DEADLINE;
    public static final Duration DEFAULT_INDEX_MAX_AGE = Settings.INDEX_MAX_AGE.defaultValue();

    private final StorageLocation central;
    private final PushDescription push;
    private final SyncDirection direction;
    private final String accountId;
    private final List<SourceSpec> sources;
    private final String sourcesUri;
    private final StorageLocation pullTarget;
    private final LifecycleSettings lifecycle;
    private final String workQueue;
    private final Duration timeBudget;
    private final String notifyUri;
    private final SeverityThreshold notifyMinSeverity;
    private PushNotifier notifier;

    private FunctionSettings(StorageLocation central, PushDescription push, SyncDirection direction, String accountId,
                             List<SourceSpec> sources, String sourcesUri, StorageLocation pullTarget,
                             LifecycleSettings lifecycle, String workQueue, Duration timeBudget, String notifyUri,
                             SeverityThreshold notifyMinSeverity) {
        this.central = central;
        this.push = push;
        this.direction = direction;
        this.accountId = accountId;
        this.sources = List.copyOf(sources);
        this.sourcesUri = sourcesUri;
        this.pullTarget = pullTarget;
        this.lifecycle = lifecycle;
        this.workQueue = workQueue;
        this.timeBudget = timeBudget;
        this.notifyUri = notifyUri;
        this.notifyMinSeverity = notifyMinSeverity;
    }

    /** @throws ConfigurationException naming the first variable that is missing or invalid, and its value */
    public static FunctionSettings fromEnvironment(Map<String, String> env) {
        String centralText = Settings.CENTRAL_URI.from(env).orElseThrow(() -> new ConfigurationException(
                CENTRAL_URI + " is required (e.g. s3://central-bucket/aggregated)"));
        StorageLocation central = location(CENTRAL_URI, centralText);
        String prefix = env.get(CENTRAL_PREFIX) != null ? env.get(CENTRAL_PREFIX).strip()
                : central.prefixOr(SyncConfig.DEFAULT_PREFIX);
        SyncConfig.Builder builder = SyncConfig.builder(central.bucketName()).centralPrefix(prefix)
                .conflictResolution(ConflictResolution.parse(Settings.CONFLICT_RESOLUTION.fromOrDefault(env),
                        CONFLICT_RESOLUTION))
                .includeAssets(Settings.INCLUDE_ASSETS.fromOrDefault(env))
                .checksumVerify(Settings.CHECKSUM_VERIFY.fromOrDefault(env))
                .batchSize(Settings.BATCH_SIZE.fromOrDefault(env));
        Settings.CONCURRENCY.from(env).ifPresent(builder::concurrency);
        SyncConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(CENTRAL_URI + "/" + CENTRAL_PREFIX + ": " + e.getMessage(), e);
        }
        SyncDirection direction = SyncDirection.parse(Settings.SYNC_DIRECTION.fromOrDefault(env), SYNC_DIRECTION);
        String account = Settings.ACCOUNT_ID.from(env).orElse(null);
        if (account != null) {
            try {
                RecordPaths.validateAccount(account);
            } catch (InvalidRecordException e) {
                throw new ConfigurationException(ACCOUNT_ID + ": " + e.getMessage(), e);
            }
        }
        List<SourceSpec> sources = sources(Settings.SOURCES.from(env).orElse(null));
        StorageLocation pullTarget = Settings.PULL_TARGET.from(env).map(t -> location(PULL_TARGET, t)).orElse(null);
        if (direction != SyncDirection.PUSH && pullTarget == null) {
            throw new ConfigurationException(PULL_TARGET + " is required when " + SYNC_DIRECTION + " is "
                    + direction.value());
        }
        // Every value is checked, even one the settings leave unused, so a typo never waits to bite.
        double maxShare = Settings.RESOLVE_MAX_SHARE.fromOrDefault(env);
        ResolveSettings resolve = Settings.RESOLVE_MISSING.fromOrDefault(env) ? new ResolveSettings(maxShare, false)
                : null;
        Format format = Settings.SOURCE_FORMAT.from(env).map(f -> Format.parse(f, SOURCE_FORMAT)).orElse(null);
        PushDescription push = new PushDescription(config, Settings.INDEX_MAX_AGE.fromOrDefault(env),
                Settings.DEADLINE.from(env).orElse(Settings.FUNCTION_DEADLINE), resolve, true, false, format);
        return new FunctionSettings(central, push, direction, account, sources,
                Settings.SOURCES_URI.from(env).orElse(null), pullTarget, LifecycleSettings.fromEnvironment(env),
                Settings.WORK_QUEUE.from(env).orElse(null), Settings.TIME_BUDGET.from(env).orElse(null),
                notifyUri(env), SeverityThreshold.of(Settings.NOTIFY_MIN_SEVERITY.fromOrDefault(env)));
    }

    /** The target's form is checked at start-up; its client is built on the first digest. */
    private static String notifyUri(Map<String, String> env) {
        String uri = Settings.NOTIFY_URI.from(env).orElse(null);
        if (uri != null) {
            try {
                NotificationTargets.validate(uri);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(Settings.NOTIFY_URI.env() + ": " + e.getMessage(), e);
            }
        }
        return uri;
    }

    /** {@code uri|account|provider[|format]} entries separated by commas, semicolons or new lines. */
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
            String where = SOURCES + ": entry '" + StorageLocation.redact(e) + "'";
            if (parts.length < 2 || parts.length > 4) {
                throw new ConfigurationException(where + " must be uri|account|provider[|format]");
            }
            StorageLocation location = location(SOURCES, parts[0].strip());
            try {
                String provider = parts.length == 3 && !parts[2].isBlank() ? parts[2].strip() : null;
                Format format = parts.length == 4 && !parts[3].isBlank() ? Format.parse(parts[3], "format") : null;
                sources.add(SourceSpec.of(location, parts[1].strip(), provider).withFormat(format));
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException(where + ": " + ex.getMessage(), ex);
            }
        }
        return sources;
    }

    static StorageLocation location(String variable, String text) {
        try {
            return StorageLocation.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(variable + ": " + e.getMessage(), e);
        }
    }

    public StorageLocation central() {
        return central;
    }

    /** Central's configuration, as the push description holds it. */
    public SyncConfig config() {
        return push.config();
    }

    /** How every push of this function behaves: index age, deadline, resolve pass. */
    public PushDescription push() {
        return push;
    }

    /** What the schedule does with the sources and the pull target ({@code STANCE_SYNC_DIRECTION}). */
    public SyncDirection direction() {
        return direction;
    }

    public Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    /** The sources file ({@code STANCE_SOURCES_URI}), when set. */
    public Optional<String> sourcesUri() {
        return Optional.ofNullable(sourcesUri);
    }

    /** Export and stale-account settings ({@code STANCE_EXPORT_TARGET} …). */
    public LifecycleSettings lifecycle() {
        return lifecycle;
    }

    /** How long a push-index entry is trusted before central is looked at again ({@code STANCE_INDEX_MAX_AGE}). */
    public Duration indexMaxAge() {
        return push.indexMaxAge();
    }

    /** The bound on each push ({@code STANCE_DEADLINE}); null for none. */
    public Duration deadline() {
        return push.deadline();
    }

    public Optional<StorageLocation> pullTarget() {
        return Optional.ofNullable(pullTarget);
    }

    /** The work queue ({@code STANCE_WORK_QUEUE}): the schedule fans out to it, the worker continues on it. */
    public Optional<String> workQueue() {
        return Optional.ofNullable(workQueue);
    }

    /** Where each push's digest goes ({@code STANCE_NOTIFY_URI}), when set. */
    public Optional<String> notifyUri() {
        return Optional.ofNullable(notifyUri);
    }

    /** The least severity a notified change reaches ({@code STANCE_NOTIFY_MIN_SEVERITY}). */
    public SeverityThreshold notifyMinSeverity() {
        return notifyMinSeverity;
    }

    /**
     * The notifier of every push this function makes, built once on first use (one client for
     * the life of the instance); empty when no target is set.
     *
     * @throws ConfigurationException when the target's SDK is not in this build
     */
    public synchronized Optional<PushNotifier> notifier() {
        if (notifyUri == null) {
            return Optional.empty();
        }
        if (notifier == null) {
            try {
                notifier = new PushNotifier(NotificationTargets.open(notifyUri), notifyMinSeverity);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(Settings.NOTIFY_URI.env() + ": " + e.getMessage(), e);
            }
        }
        return Optional.of(notifier);
    }

    /** The time one source push may take ({@code STANCE_TIME_BUDGET}); empty for the invocation's own. */
    public Optional<Duration> timeBudget() {
        return Optional.ofNullable(timeBudget);
    }
}
