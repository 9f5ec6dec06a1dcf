package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.function.BatchOutcome;

/** What every handler of this module does around the core: name the account, write the log lines. */
final class LambdaSupport {

    private LambdaSupport() {
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
        return outcome.log((severity, line) -> context.getLogger().log(line, switch (severity) {
            case DEBUG -> LogLevel.DEBUG;
            case INFO -> LogLevel.INFO;
            case ERROR -> LogLevel.ERROR;
        }));
    }
}
