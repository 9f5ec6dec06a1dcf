package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.engine.PushNotifier;
import com.mantissa.stance.sync.notify.NotificationTargets;
import com.mantissa.stance.sync.notify.SeverityThreshold;
import com.mantissa.stance.sync.settings.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --notify} and {@code --notify-min-severity}, on push, sync and worker. */
final class NotifyOptions {
    @Option(names = "--notify", paramLabel = "TARGET",
            description = "Send each push's digest of finding changes to " + NotificationTargets.FORMS
                    + " (default: $STANCE_NOTIFY_URI for the worker, else none).")
    String uri;

    @Option(names = "--notify-min-severity", paramLabel = "SEVERITY",
            description = "The least severity a change must reach to be notified: critical, high, medium, low or "
                    + "info; a severity change counts when its old or new severity reaches it (default: high).")
    String minSeverity;

    /**
     * The notifier the flags describe, its target's form and SDK checked before anything is
     * pushed; null without {@code --notify}.
     *
     * @throws ParameterException naming the flag and the value it refuses
     */
    PushNotifier notifier(CommandSpec spec) {
        SeverityThreshold threshold;
        try {
            threshold = SeverityThreshold.of(minSeverity == null ? Settings.NOTIFY_MIN_SEVERITY.defaultText()
                    : minSeverity);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--notify-min-severity: " + e.getMessage());
        }
        if (uri == null) {
            return null;
        }
        try {
            return new PushNotifier(NotificationTargets.open(uri), threshold);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--notify: " + e.getMessage());
        }
    }
}
