package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.RecordKind;
import com.mantissa.stance.sync.engine.ScanLocator;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one core behind the AWS, GCP and Azure handlers: they decode their platform's event
 * into an object URI (or a schedule tick), call this, and map the {@link Invocation} back.
 */
public final class SyncFunction {
    private final FunctionSettings settings;
    private final Stores stores = new Stores();

    public SyncFunction(FunctionSettings settings) {
        this.settings = settings;
    }

    /** @throws IllegalArgumentException naming the first invalid STANCE_* variable */
    public static SyncFunction fromEnvironment(Map<String, String> env) {
        return new SyncFunction(FunctionSettings.fromEnvironment(env));
    }

    public FunctionSettings settings() {
        return settings;
    }

    /**
     * Pushes the scan file an object-created event names ({@code s3://bucket/key},
     * {@code gs://…}, {@code az://…} or an Azure blob URL, key already decoded). Other keys are
     * ignored.
     *
     * @param defaultAccountId the account the platform says the event came from, used when
     *                         {@code STANCE_ACCOUNT_ID} is unset; may be null
     */
    public Invocation onObjectCreated(String objectUri, String defaultAccountId) {
        String trigger = "object-created";
        StorageLocation object;
        try {
            object = StorageLocation.parse(objectUri);
        } catch (IllegalArgumentException e) {
            return Invocation.rejected(trigger, objectUri, e.getMessage());
        }
        String key = object.prefix();
        Optional<RecordKind> kind = key == null ? Optional.empty() : ScanLocator.scanFileKind(key);
        if (kind.isEmpty()) {
            return Invocation.ignored(trigger, objectUri);
        }
        String account = settings.accountId().orElse(defaultAccountId);
        if (account == null || account.isBlank()) {
            return Invocation.rejected(trigger, objectUri, "no source account: set " + FunctionSettings.ACCOUNT_ID);
        }
        StorageAdapter source = stores.open(object);
        CrossCloudSync sync = newSync(SyncDirection.PUSH);
        sync.addScanFiles(source, List.of(new ScanLocator.ScanFile(kind.get(), key, key)), account,
                object.scheme().provider());
        return finish(trigger, objectUri, sync.sync());
    }

    /** The scheduled catch-up over {@code STANCE_SOURCES}, then PULL to {@code STANCE_PULL_TARGET} if set. */
    public Invocation onSchedule(String trigger) {
        SyncResult total = empty(settings.config().syncDirection());
        boolean didSomething = false;
        if (!settings.sources().isEmpty() && settings.config().syncDirection() != SyncDirection.PULL) {
            CrossCloudSync push = newSync(SyncDirection.PUSH);
            for (SourceSpec source : settings.sources()) {
                try {
                    StorageAdapter store = stores.open(source.location());
                    push.addScanFiles(store, ScanLocator.locate(store, source.location().prefixOr("")),
                            source.accountId(), source.provider());
                } catch (IllegalArgumentException | StorageException e) {
                    total = total.plus(errorResult(source.location() + ": " + e.getMessage(),
                            e instanceof TransientStorageException), total.syncDirection());
                }
            }
            total = total.plus(push.sync(), total.syncDirection());
            didSomething = true;
        }
        if (settings.pullTarget().isPresent()) {
            StorageAdapter target = stores.open(settings.pullTarget().get());
            CrossCloudSync pull = new CrossCloudSync(config(SyncDirection.PULL), stores.open(settings.central()), target)
                    .trackState(false);
            total = total.plus(pull.sync(), total.syncDirection());
            didSomething = true;
        }
        if (settings.lifecycle().exportTarget() != null || didSomething) {
            total = total.plus(ScheduledLifecycle.run(settings, stores::open, java.time.Clock.systemUTC()),
                    total.syncDirection());
            didSomething = true;
        }
        if (!didSomething) {
            return Invocation.rejected(trigger, null, "nothing to do: set " + FunctionSettings.SOURCES + ", "
                    + FunctionSettings.PULL_TARGET + " and/or " + LifecycleSettings.EXPORT_TARGET);
        }
        return finish(trigger, null, total);
    }

    private CrossCloudSync newSync(SyncDirection direction) {
        return new CrossCloudSync(config(direction), stores.open(settings.central())).trackState(false)
                .resolveMissing(direction == SyncDirection.PUSH ? settings.lifecycle().resolve() : null);
    }

    private SyncConfig config(SyncDirection direction) {
        return settings.config().toBuilder().syncDirection(direction).build();
    }

    private static Invocation finish(String trigger, String object, SyncResult result) {
        return new Invocation(trigger, object,
                result.success() ? Invocation.Outcome.SUCCEEDED : Invocation.Outcome.FAILED, result);
    }

    private static SyncResult errorResult(String error, boolean retryable) {
        return new SyncResult(0, 0, 0, List.of(error), 0, SyncDirection.PUSH, retryable ? 1 : 0);
    }

    private static SyncResult empty(SyncDirection direction) {
        return new SyncResult(0, 0, 0, List.of(), 0, direction);
    }
}
