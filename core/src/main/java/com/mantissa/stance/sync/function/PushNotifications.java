package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.engine.PushNotifier;
import com.mantissa.stance.sync.notify.NotificationException;
import com.mantissa.stance.sync.settings.ConfigurationException;
import java.util.List;
import java.util.Optional;

/**
 * The functions' and the worker's one way to tell a push's changes: the digests of what each
 * push recorded go to {@code STANCE_NOTIFY_URI}, when it is set.
 *
 * <p>A digest that cannot be sent is an error of its push, never a reason to deliver the event
 * again: a redelivered event finds its changes already recorded and tells nothing, so retrying
 * it would not send the digest either. The error names the push, whose changes the change feed
 * holds ({@code stance-sync changes}).
 */
public final class PushNotifications {
    private PushNotifications() {
    }

    /** @return the error to report; empty when the digests were sent or there was nothing to send */
    public static Optional<String> send(FunctionSettings settings, List<PushChanges> pushes) {
        try {
            Optional<PushNotifier> notifier = settings.notifier();
            if (notifier.isPresent()) {
                notifier.get().sendAll(pushes);
            }
            return Optional.empty();
        } catch (NotificationException | ConfigurationException e) {
            return Optional.of("notification: " + e.getMessage());
        }
    }
}
