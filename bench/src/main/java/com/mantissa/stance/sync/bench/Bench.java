package com.mantissa.stance.sync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's benchmark: one command, one table. The parent process generates the
 * data, starts moto, and runs every measurement in a fresh child JVM so that each reports its
 * own peak RSS; the cold invocation runs the CLI jar exactly as a user would.
 *
 * <p>Usage: {@code Bench [--work DIR] [--core-jar JAR] [--big-mb N] [--skip-big] [--skip-cold]
 * [--sweep] [--latency-rows | --latency-only] [--latency-ms N] [--handler-jar JAR --handler-class CLASS]};
 * see {@code bench/run.sh}. A concurrency argument of a phase is a number (fixed) or
 * {@code adaptive} (the default).
 */
public final class Bench {
    static final int FINDINGS = 10_000;
    static final int ASSETS = 2_000;
    static final int COLD_FINDINGS = 100;
    /** S3 runs get the heap of a small function, so their peak RSS means something. */
    static final List<String> SMALL_HEAP = List.of("-Xmx256m");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("phase")) {
            Phase.run(args);
            return;
        }
        new Orchestrator(args).run();
    }

    /** Settings a child JVM needs to reach moto through the SDK's standard system properties. */
    static List<String> awsProperties(String endpoint) {
        return List.of("-Daws.endpointUrlS3=" + endpoint, "-Daws.accessKeyId=testing",
                "-Daws.secretAccessKey=testing", "-Daws.region=us-east-1");
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

}
