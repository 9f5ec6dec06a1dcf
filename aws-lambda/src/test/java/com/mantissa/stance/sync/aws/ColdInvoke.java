package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;

/**
 * One cold invocation, the way the Lambda runtime does it: deserialise the event with AWS's
 * serialisation library, construct the handler (config from the real environment), invoke once.
 * Run by {@code .ci/aws-cold-invoke.sh} in a fresh JVM on the shaded jar; not a test.
 */
public final class ColdInvoke {

    private ColdInvoke() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ColdInvoke <s3-event.json>");
            System.exit(2);
        }
        S3Event event = EventLoader.loadS3Event(args[0]);
        RequestHandler<S3Event, Void> handler = new S3EventHandler();
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        try {
            handler.handleRequest(event, context);
        } finally {
            context.lines().forEach(line -> System.out.println(line.level() + " " + line.message()));
        }
    }
}
