package com.mantissa.stance.sync.bench;

import static com.mantissa.stance.sync.bench.Bench.peakRssKb;
import static com.mantissa.stance.sync.bench.Bench.processCpuNanos;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/** The measurements, each in its own JVM; prints one {@code RESULT k=v ...} line. */
final class Phase {
    /** First pushes of the in-memory rows; the best of the last half counts (the JIT settles late). */
    static final int MEMORY_RUNS = 60;

    static void run(String[] args) throws Exception {
        String name = args[1];
        Map<String, String> out = new LinkedHashMap<>();
        switch (name) {
            case "push" -> push(args[2], Path.of(args[3]), args[4], Boolean.parseBoolean(args[5]), out);
            case "rawput" -> rawPut(Path.of(args[2]), args[3], Integer.parseInt(args[4]), out);
            case "memory" -> memory(Path.of(args[2]), args[3], out);
            case "big" -> big(Path.of(args[2]), args[3], out);
            case "delayed" -> delayed(Path.of(args[2]), args[3], Long.parseLong(args[4]), out);
            case "generate-big" -> out.put("records",
                    Long.toString(DataSet.writeBigFindings(Path.of(args[2]), Long.parseLong(args[3]) << 20)));
            default -> throw new IllegalArgumentException("unknown phase " + name);
        }
        out.put("rssKb", Long.toString(peakRssKb()));
        StringBuilder sb = new StringBuilder("RESULT");
        out.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
    }

    /** @param concurrency a fixed number, or {@code adaptive}: the default */
    static SyncConfig config(String concurrency) {
        SyncConfig.Builder b = SyncConfig.builder("bench");
        return concurrency.equals("adaptive") ? b.build() : b.concurrency(Integer.parseInt(concurrency)).build();
    }

    static void addScan(CrossCloudSync sync, Path scanDir) throws IOException {
        for (RecordKind kind : RecordKind.values()) {
            Path folder = scanDir.resolve(kind.folder());
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                    sync.addScanFile(kind, f.getFileName().toString(), () -> Files.newInputStream(f),
                            DataSet.ACCOUNT, "aws");
                }
            }
        }
    }

    static void report(SyncResult r, double seconds, long requests, Map<String, String> out) {
        out.put("synced", Long.toString(r.recordsSynced()));
        out.put("skipped", Long.toString(r.recordsSkipped()));
        out.put("errors", Integer.toString(r.errors().size()));
        out.put("seconds", String.format(Locale.ROOT, "%.3f", seconds));
        out.put("requests", Long.toString(requests));
        if (!r.errors().isEmpty()) {
            out.put("firstError", r.errors().get(0).replace(' ', '_'));
        }
    }

    static void push(String bucket, Path scanDir, String concurrency, boolean noIndex, Map<String, String> out)
            throws IOException {
        StorageAdapter central = new S3StorageAdapter(bucket);
        central.getMetadata("warm-up/the-shared-client"); // client start-up is the cold run's business
        CountingInterceptor.reset();
        CrossCloudSync sync = new CrossCloudSync(config(concurrency), central).trackState(false)
                .useIndex(!noIndex);
        addScan(sync, scanDir);
        timedSync(sync, CountingInterceptor::requests, out);
    }

    /** A first push into an in-memory store that answers every call {@code delayMs} later. */
    static void delayed(Path scanDir, String concurrency, long delayMs, Map<String, String> out)
            throws IOException {
        MemoryStore store = new MemoryStore(true);
        CrossCloudSync sync = new CrossCloudSync(config(concurrency), new DelayedStore(store, delayMs))
                .trackState(false);
        addScan(sync, scanDir);
        timedSync(sync, store::requests, out);
    }

    /** Runs the sync once and reports its time, the requests {@code requests} then counts and its CPU. */
    private static void timedSync(CrossCloudSync sync, LongSupplier requests, Map<String, String> out) {
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        SyncResult r = sync.sync();
        report(r, (System.nanoTime() - t0) / 1e9, requests.getAsLong(), out);
        out.put("cpuSeconds", String.format(Locale.ROOT, "%.3f", (processCpuNanos() - cpu0) / 1e9));
        out.put("concurrency", sync.concurrency().replace(' ', '_'));
    }

    /** Unconditional PUTs of exactly the objects a first push writes, made by the engine in memory first. */
    static void rawPut(Path scanDir, String bucket, int concurrency, Map<String, String> out)
            throws Exception {
        MemoryStore source = new MemoryStore(true);
        CrossCloudSync engine = new CrossCloudSync(config("" + concurrency), source).trackState(false).useIndex(false);
        addScan(engine, scanDir);
        engine.sync();
        List<String> keys = new ArrayList<>(source.listRecords("aggregated/findings/"));
        keys.addAll(source.listRecords("aggregated/assets/"));
        List<byte[]> bodies = new ArrayList<>(keys.size());
        for (String k : keys) {
            bodies.add(source.readRecord(k).map(StoredObject::content).orElseThrow());
        }
        StorageAdapter target = new S3StorageAdapter(bucket);
        target.getMetadata("warm-up/the-shared-client");
        CountingInterceptor.reset();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        List<Future<String>> puts = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            byte[] body = bodies.get(i);
            puts.add(pool.submit(() -> target.writeRecord(key, body, WriteCondition.NONE)));
        }
        int errors = 0;
        for (Future<String> f : puts) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                errors++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        out.put("synced", Integer.toString(keys.size() - errors));
        out.put("skipped", "0");
        out.put("errors", Integer.toString(errors));
        out.put("seconds", String.format(Locale.ROOT, "%.3f", seconds));
        out.put("requests", Long.toString(CountingInterceptor.requests()));
        out.put("cpuSeconds", String.format(Locale.ROOT, "%.3f", (processCpuNanos() - cpu0) / 1e9));
    }

    /**
     * Best of the last half of {@link #MEMORY_RUNS} first pushes, each into a fresh in-memory
     * store, and the best of the unchanged re-pushes that follow each of them. Fewer pushes
     * measure the JIT at work: at 12 (the count of the first benchmark runs, 2026-11-25) the best first push took 0.30-0.36 s, at
     * 30 0.19-0.25 s, at 60 0.15-0.17 s on this machine.
     */
    static void memory(Path scanDir, String concurrency, Map<String, String> out) throws IOException {
        double best = Double.MAX_VALUE;
        SyncResult bestResult = null;
        long bestRequests = 0;
        double rePush = Double.MAX_VALUE;
        double bestCpu = 0;
        long rePushRequests = 0;
        int runs = Integer.getInteger("bench.runs", MEMORY_RUNS);
        for (int run = 0; run < runs; run++) {
            MemoryStore store = new MemoryStore(true);
            CrossCloudSync sync = new CrossCloudSync(config(concurrency), store).trackState(false);
            addScan(sync, scanDir);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            SyncResult r = sync.sync();
            double s = (System.nanoTime() - t0) / 1e9;
            if (run >= runs / 2 && s < best) {
                best = s;
                bestCpu = (processCpuNanos() - cpu0) / 1e9;
                bestResult = r;
                bestRequests = store.requests();
            }
            if (run >= runs / 2) {
                long before = store.requests();
                t0 = System.nanoTime();
                sync.sync();
                double again = (System.nanoTime() - t0) / 1e9;
                if (again < rePush) {
                    rePush = again;
                    rePushRequests = store.requests() - before;
                }
            }
        }
        report(bestResult, best, bestRequests, out);
        out.put("cpuSeconds", String.format(Locale.ROOT, "%.3f", bestCpu));
        out.put("rePushSeconds", String.format(Locale.ROOT, "%.3f", rePush));
        out.put("rePushRequests", Long.toString(rePushRequests));
    }

    static void big(Path file, String concurrency, Map<String, String> out) {
        RecordSinkStore store = new RecordSinkStore();
        CrossCloudSync sync = new CrossCloudSync(config(concurrency), store).trackState(false);
        sync.addScanFile(RecordKind.FINDING, file.getFileName().toString(), () -> Files.newInputStream(file),
                DataSet.ACCOUNT, "aws");
        long t0 = System.nanoTime();
        SyncResult r = sync.sync();
        report(r, (System.nanoTime() - t0) / 1e9, store.requests(), out);
        out.put("heapMaxMb", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
        // The unchanged re-push loads the index of every record and skips them all.
        long before = store.requests();
        t0 = System.nanoTime();
        SyncResult again = sync.sync();
        out.put("rePushSeconds", String.format(Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9));
        out.put("rePushRequests", Long.toString(store.requests() - before));
        out.put("rePushSkipped", Long.toString(again.recordsSkipped()));
    }
}

