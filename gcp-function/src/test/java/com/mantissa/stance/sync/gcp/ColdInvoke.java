package com.mantissa.stance.sync.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/**
 * One cold invocation, the way the Functions Framework does it: construct the function class by
 * its public no-argument constructor (configuration from the real environment; the framework does
 * this at start-up, before it listens), read one {@code google.cloud.storage.object.v1.finalized}
 * CloudEvent as the framework reads a binary-mode request (attributes, data bytes), invoke once.
 * Run by {@code .ci/gcp-cold-invoke.sh} in a fresh JVM on the deployment jar; not a test.
 */
public final class ColdInvoke {

    private ColdInvoke() {
    }

    /** The CloudEvent the framework hands the function: the request's attributes and its body's bytes. */
    private record ReadEvent(Map<String, String> ce, byte[] body) implements CloudEvent {
        @Override
        public CloudEventData getData() {
            return () -> body.clone();
        }

        @Override
        public SpecVersion getSpecVersion() {
            return SpecVersion.parse(ce.get("specversion"));
        }

        @Override
        public String getId() {
            return ce.get("id");
        }

        @Override
        public String getType() {
            return ce.get("type");
        }

        @Override
        public URI getSource() {
            return URI.create(ce.get("source"));
        }

        @Override
        public String getDataContentType() {
            return "application/json";
        }

        @Override
        public URI getDataSchema() {
            return null;
        }

        @Override
        public String getSubject() {
            return ce.get("subject");
        }

        @Override
        public OffsetDateTime getTime() {
            return OffsetDateTime.parse(ce.get("time"));
        }

        @Override
        public Object getAttribute(String name) {
            return ce.get(name);
        }

        @Override
        public Object getExtension(String name) {
            return null;
        }

        @Override
        public Set<String> getExtensionNames() {
            return Set.of();
        }
    }

    private static long compilingMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ColdInvoke <bucket> <object-name>");
            System.exit(2);
        }
        long start = System.nanoTime();
        long startCpu = processCpuNanos();
        CloudEventsFunction function = (CloudEventsFunction) Class.forName(StorageObjectFinalizedFunction.class.getName())
                .getConstructor().newInstance();
        long constructed = System.nanoTime();
        long constructedCpu = processCpuNanos();
        CloudEvent event = new ReadEvent(
                FunctionsFrameworkInvoker.storageEventAttributes(StorageObjectFinalizedFunction.FINALIZED, args[0], args[1],
                        "cold-" + ProcessHandle.current().pid()),
                FunctionsFrameworkInvoker.storageObjectData(args[0], args[1]).getBytes(StandardCharsets.UTF_8));
        long invokedCpu = processCpuNanos();
        long invokedCompiling = compilingMillis();
        long invoked = System.nanoTime();
        try {
            function.accept(event);
        } finally {
            long done = System.nanoTime();
            long doneCpu = processCpuNanos();
            long doneCompiling = compilingMillis();
            System.out.flush();
            System.out.printf("ColdInvoke: handler constructed in %d ms (%d ms CPU), invocation %d ms (%d ms CPU,"
                            + " %d ms of it compiling)%n",
                    (constructed - start) / 1_000_000, (constructedCpu - startCpu) / 1_000_000,
                    (done - invoked) / 1_000_000, (doneCpu - invokedCpu) / 1_000_000, doneCompiling - invokedCompiling);
        }
    }
}
