package com.mantissa.stance.sync.azure;

import java.lang.management.ManagementFactory;
import java.util.logging.LogRecord;

/**
 * One cold invocation, the way the Azure Functions Java worker does it: create the functions class
 * by its public no-argument constructor (the worker does so for every invocation; configuration
 * comes from the real environment), hand {@code StanceEventGridSync} one
 * {@code Microsoft.Storage.BlobCreated} event in the Event Grid schema as the JSON text its
 * trigger binding passes, with an {@code ExecutionContext} whose logger stands in for the host's,
 * invoke once. Run by {@code .ci/azure-cold-invoke.sh} in a fresh JVM on the packaged function
 * app (the function jar and its lib folder); not a test.
 */
public final class ColdInvoke {

    private ColdInvoke() {
    }

    private static long compilingMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        if (args.length != 2) {
            System.err.println("usage: ColdInvoke <subscription> <blob-url>");
            System.exit(2);
        }
        long start = System.nanoTime();
        long startCpu = processCpuNanos();
        StanceSyncFunctions functions = (StanceSyncFunctions) Class.forName(StanceSyncFunctions.class.getName())
                .getConstructor().newInstance();
        long constructed = System.nanoTime();
        long constructedCpu = processCpuNanos();
        String event = AzureEvents.blobCreated(args[0], args[1]);
        RecordingExecutionContext context = new RecordingExecutionContext("StanceEventGridSync");
        long invokedCpu = processCpuNanos();
        long invokedCompiling = compilingMillis();
        long invoked = System.nanoTime();
        try {
            functions.onEventGrid(event, context);
        } finally {
            long done = System.nanoTime();
            long doneCpu = processCpuNanos();
            long doneCompiling = compilingMillis();
            for (LogRecord record : context.records()) {
                System.out.println(record.getLevel() + " " + record.getMessage());
            }
            System.out.printf("ColdInvoke: handler constructed in %d ms (%d ms CPU), invocation %d ms (%d ms CPU,"
                            + " %d ms of it compiling)%n",
                    (constructed - start) / 1_000_000, (constructedCpu - startCpu) / 1_000_000,
                    (done - invoked) / 1_000_000, (doneCpu - invokedCpu) / 1_000_000, doneCompiling - invokedCompiling);
        }
    }
}
