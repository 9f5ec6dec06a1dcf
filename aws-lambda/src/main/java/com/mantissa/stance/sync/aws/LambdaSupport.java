package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.function.Invocation;
import java.util.List;

/** What every handler of this module does around the core facade: name the object, log, fail. */
final class LambdaSupport {

    private LambdaSupport() {
    }

    /** {@code s3://bucket/key} with the key as stored (already decoded). */
    static String s3Uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
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
     * One log line per invocation; with the functions' JSON log format CloudWatch filters it by
     * level, so an ignored key (DEBUG) costs nothing at the default INFO level.
     */
    static void log(Context context, Invocation invocation) {
        LogLevel level = switch (invocation.outcome()) {
            case IGNORED -> LogLevel.DEBUG;
            case SUCCEEDED -> LogLevel.INFO;
            case FAILED -> LogLevel.ERROR;
        };
        context.getLogger().log(invocation.toJson(), level);
    }

    /**
     * Throws the first failure so that Lambda retries the event and, once retries are spent,
     * hands it to the on-failure destination. Re-running the successful records is cheap: the
     * engine skips records whose content central already holds.
     */
    static void throwIfAnyFailed(List<Invocation> invocations) {
        for (Invocation invocation : invocations) {
            if (invocation.failed()) {
                throw invocation.toException();
            }
        }
    }
}
