package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.model.Provider;
import java.util.Map;
import java.util.Set;

/** What every handler of this module does around the core: name the account, write the log lines. */
final class LambdaSupport {

    /** The values of AWS_LAMBDA_INITIALIZATION_TYPE whose initialisation no caller waits for. */
    private static final Set<String> INITIALISED_AHEAD = Set.of("snap-start", "provisioned-concurrency");

    private LambdaSupport() {
    }

    /**
     * The function the STANCE_* variables configure. Where the environment is initialised ahead of
     * any invocation (a SnapStart snapshot, provisioned concurrency), its S3 client (spoke objects
     * are in S3) and central's are built here, so the initialised state holds them; on demand they
     * are built on first use (building them on a second thread while the runtime decodes the
     * event measured no faster: the JIT compiler already keeps the other core busy). Ahead of
     * invocations it also runs the push path once inside the process ({@link SyncFunction#primeForSnapshot()}).
     */
    static SyncFunction function(Map<String, String> env) {
        SyncFunction function = SyncFunction.fromEnvironment(env);
        String initialisation = env.get("AWS_LAMBDA_INITIALIZATION_TYPE");
        if (initialisation != null && INITIALISED_AHEAD.contains(initialisation)) {
            function.prepareStores(Provider.AWS);
            // Runs the push path once against buckets answered inside the process, so the snapshot
            // holds it loaded and compiled; a priming that failed only leaves that to the first call.
            function.primeForSnapshot().ifPresent(problem -> System.err.println("stance-sync: " + problem));
        }
        return function;
    }

    /**
     * The account the invoked function runs in, from its ARN
     * ({@code arn:aws:lambda:region:account:function:name[:alias]}); null when the context has none.
     */
    static String accountOf(Context context) {
        String arn = context == null ? null : context.getInvokedFunctionArn();
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length >= 5 && !parts[4].isBlank() ? parts[4] : null;
    }

    /**
     * The outcome's lines at their levels; with the functions' JSON log format CloudWatch filters
     * by level, so an ignored key (DEBUG) costs nothing at the default INFO level.
     */
    static BatchOutcome log(Context context, BatchOutcome outcome) {
        return outcome.log(sink(context));
    }

    /** The invocation's logger, at the line's level. */
    static BatchOutcome.LogSink sink(Context context) {
        return (severity, line) -> context.getLogger().log(line, switch (severity) {
            case DEBUG -> LogLevel.DEBUG;
            case INFO -> LogLevel.INFO;
            case ERROR -> LogLevel.ERROR;
        });
    }
}
