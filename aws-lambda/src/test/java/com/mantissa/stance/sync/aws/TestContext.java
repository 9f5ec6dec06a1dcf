package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Lambda context of one invocation of a function in {@code account}, keeping what the handler logged. */
final class TestContext implements Context {

    record Line(LogLevel level, String message) {
        /** The line as the invocation JSON the facade writes. */
        Map<String, Object> json() {
            return JsonParser.parseObject(message);
        }
    }

    private final String functionArn;
    private final List<Line> lines = new ArrayList<>();
    private final LambdaLogger logger = new LambdaLogger() {
        @Override
        public void log(String message) {
            log(message, LogLevel.UNDEFINED);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8), LogLevel.UNDEFINED);
        }

        @Override
        public void log(String message, LogLevel level) {
            lines.add(new Line(level, message));
        }
    };

    /** @param account the function's account, or null for a context that names no function ARN */
    TestContext(String account) {
        this.functionArn = account == null ? null
                : "arn:aws:lambda:us-east-1:" + account + ":function:stance-sync-object-created:live";
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The invocation lines (the facade's JSON), in order. */
    List<Map<String, Object>> invocations() {
        return lines.stream().filter(l -> l.message().startsWith("{")).map(Line::json).toList();
    }

    @Override
    public String getAwsRequestId() {
        return "8f507cfc-example-4697-b07a-ac58fc914c95";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/stance-sync-object-created";
    }

    @Override
    public String getLogStreamName() {
        return "2026/11/24/[live]0123456789abcdef";
    }

    @Override
    public String getFunctionName() {
        return "stance-sync-object-created";
    }

    @Override
    public String getFunctionVersion() {
        return "1";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return 300_000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
