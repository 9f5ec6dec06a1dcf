package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.testing.FaultInjectingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency-bound rows: first pushes of one data set to S3 on moto behind the tests'
 * {@link FaultInjectingProxy}, which holds every request for a fixed time (25 ms by default,
 * what real S3, GCS and Azure answer in), at fixed concurrency 4, 16 and 64 and with the
 * default adaptive limit, one after the other in the same run, each into an empty bucket.
 */
final class LatencyRows {
    /** Runs one bench phase in a child JVM against {@code endpoint}; its RESULT as a map. */
    @FunctionalInterface
    interface PhaseRunner {
        Map<String, String> run(String endpoint, String... args) throws Exception;
    }

    static final List<String> SETTINGS = List.of("4", "16", "64", "adaptive");

    private LatencyRows() {
    }

    /**
     * @param createBucket makes an empty bucket on moto
     * @return one row per setting: name → RESULT, in {@link #SETTINGS} order
     */
    static Map<String, Map<String, String>> run(String motoEndpoint, long latencyMs, Path scan,
                                                java.util.function.Consumer<String> createBucket, PhaseRunner phase)
            throws Exception {
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(motoEndpoint, FaultInjectingProxy.noFaults())
                .withLatency(Duration.ofMillis(latencyMs))) {
            for (String setting : SETTINGS) {
                String bucket = "latency-" + setting;
                createBucket.accept(bucket);
                rows.put(setting, phase.run(proxy.endpoint(), "push", bucket, scan.toString(), setting, "false"));
            }
        }
        return rows;
    }

    /** The rows' names and a note comparing the adaptive row with the best fixed one. */
    static List<String> describe(Map<String, Map<String, String>> rows, String what, List<String> names) {
        List<String> notes = new ArrayList<>();
        double best = 0;
        String bestSetting = "";
        for (Map.Entry<String, Map<String, String>> e : rows.entrySet()) {
            String setting = e.getKey();
            names.add(setting.equals("adaptive")
                    ? what + ", " + e.getValue().getOrDefault("concurrency", "?").replace('_', ' ') + " (default)"
                    : what + ", concurrency " + setting);
            double rate = rate(e.getValue());
            if (!setting.equals("adaptive") && rate > best) {
                best = rate;
                bestSetting = setting;
            }
        }
        Map<String, String> adaptive = rows.get("adaptive");
        if (adaptive != null && best > 0) {
            notes.add(String.format(Locale.ROOT, "%s: adaptive %.0f records/s = %.0f %% of the best fixed "
                    + "setting (concurrency %s, %.0f records/s; target >= 90 %%)", what, rate(adaptive),
                    100 * rate(adaptive) / best, bestSetting, best));
        }
        return notes;
    }

    private static double rate(Map<String, String> r) {
        return (Long.parseLong(r.get("synced")) + Long.parseLong(r.get("skipped"))) / Double.parseDouble(r.get("seconds"));
    }
}
