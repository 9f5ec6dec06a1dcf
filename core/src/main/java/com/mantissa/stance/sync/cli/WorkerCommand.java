package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.worker.QueueWorker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stance-sync worker}: what the queue-triggered functions do, on any machine. Other
 * settings (conflict resolution, batch size, concurrency, ...) are read from the same
 * {@code STANCE_*} environment variables the functions read.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Take work messages from a queue and push each named source (or scan file of an S3, "
                + "EventBridge, Event Grid or GCS event) into central, until the queue stays empty.")
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue: " + WorkQueues.FORMS + ".")
    String queueUri;

    @Option(names = "--central", paramLabel = "URI",
            description = "Central location (default: $STANCE_CENTRAL_URI).")
    String central;

    @Option(names = "--account", paramLabel = "ID",
            description = "The spoke account of object-created events (default: $STANCE_ACCOUNT_ID).")
    String account;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time one push may take before it stops at a batch boundary and sends a continuation "
                    + "(e.g. 3s, 2m; default: $STANCE_TIME_BUDGET, else unlimited).")
    Duration timeBudget;

    @Option(names = "--exit-when-idle", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s", description = "Exit once the queue has stayed empty this long (default: ${DEFAULT-VALUE}).")
    Duration exitWhenIdle;

    @Option(names = "--visibility", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a taken message stays hidden from other workers (default: twice the budget plus 30s).")
    Duration visibility;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "10",
            description = "Messages taken per receive, 1 to 10; the events among them are pushed by one sync per "
                    + "account (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    NotifyOptions notify = new NotifyOptions();

    @Option(names = "--quiet", description = "No progress and no line per source pushed on stderr (warnings and errors "
            + "are still printed).")
    boolean quiet;

    @ParentCommand
    StanceSyncCli parent;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (central != null) {
            env.put(FunctionSettings.CENTRAL_URI, central);
        }
        if (account != null) {
            env.put(FunctionSettings.ACCOUNT_ID, account);
        }
        if (notify.uri != null) {
            env.put(Settings.NOTIFY_URI.env(), notify.uri);
        }
        if (notify.minSeverity != null) {
            env.put(Settings.NOTIFY_MIN_SEVERITY.env(), notify.minSeverity);
        }
        if (batch < 1 || batch > 10) {
            throw new ParameterException(spec.commandLine(), "--batch takes 1 to 10 messages, got " + batch);
        }
        FunctionSettings settings = FunctionSettings.fromEnvironment(env);
        Duration budget = timeBudget != null ? timeBudget : settings.timeBudget().orElse(null);
        PrintWriter err = spec.commandLine().getErr();
        try (WorkQueue queue = WorkQueues.open(queueUri);
             ProgressDisplay progress = ProgressDisplay.of("worker", err, parent != null && parent.stderrTerminal, quiet)) {
            QueueWorker worker = new QueueWorker(settings, queue,
                    new QueueWorker.Options(budget, exitWhenIdle, visibility, batch), err).quiet(quiet);
            if (progress != null) {
                worker.progress(progress);
            }
            QueueWorker.Summary summary = worker.run();
            spec.commandLine().getOut().println(CanonicalJson.writeUnsorted(summary.toMap()));
            spec.commandLine().getOut().flush();
            return summary.success() ? 0 : 1;
        }
    }
}
