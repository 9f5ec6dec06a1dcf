package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;

/**
 * One cold invocation, the way the Lambda runtime does it: construct the handler (config from
 * the real environment; the runtime does this at initialisation, before it asks for an event),
 * deserialise the event with AWS's serialisation library, invoke once.
 * Run by {@code .ci/aws-cold-invoke.sh} in a fresh JVM on the shaded jar; not a test.
 */
public final class ColdInvoke {

    private ColdInvoke() {
    }

    private static long compilingMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ColdInvoke <s3-event.json>");
            System.exit(2);
        }
        long start = System.nanoTime();
        RequestHandler<S3Event, Void> handler = new S3EventHandler();
        long constructed = System.nanoTime();
        S3Event event = EventLoader.loadS3Event(args[0]);
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        long invokedCpu = processCpuNanos();
        long invokedCompiling = compilingMillis();
        long invoked = System.nanoTime();
        try {
            handler.handleRequest(event, context);
        } finally {
            long done = System.nanoTime();
            long doneCpu = processCpuNanos();
            long doneCompiling = compilingMillis();
            context.lines().forEach(line -> System.out.println(line.level() + " " + line.message()));
            // What a SnapStart restore would still run: the invocation after the initialised handler.
            // Its CPU time (every thread of the process, the JIT compiler's included) says more than
            // its wall time on a machine shared with other work.
            System.out.printf("ColdInvoke: handler constructed in %d ms, invocation %d ms (%d ms CPU, %d ms of it compiling)%n",
                    (constructed - start) / 1_000_000, (done - invoked) / 1_000_000, (doneCpu - invokedCpu) / 1_000_000,
                    doneCompiling - invokedCompiling);
        }
    }
}
