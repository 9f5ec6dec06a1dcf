package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

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

    /** The measurements, each in its own JVM; prints one {@code RESULT k=v ...} line. */
    static final class Phase {
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
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            SyncResult r = sync.sync();
            report(r, (System.nanoTime() - t0) / 1e9, CountingInterceptor.requests(), out);
            out.put("cpuSeconds", String.format(Locale.ROOT, "%.3f", (processCpuNanos() - cpu0) / 1e9));
            out.put("concurrency", sync.concurrency().replace(' ', '_'));
        }

        /** A first push into an in-memory store that answers every call {@code delayMs} later. */
        static void delayed(Path scanDir, String concurrency, long delayMs, Map<String, String> out)
                throws IOException {
            MemoryStore store = new MemoryStore(true);
            CrossCloudSync sync = new CrossCloudSync(config(concurrency), new DelayedStore(store, delayMs))
                    .trackState(false);
            addScan(sync, scanDir);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            SyncResult r = sync.sync();
            report(r, (System.nanoTime() - t0) / 1e9, store.requests(), out);
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

        /** Best of several pushes into a fresh in-memory store, after warm-up ones. */
        static void memory(Path scanDir, String concurrency, Map<String, String> out) throws IOException {
            double best = Double.MAX_VALUE;
            SyncResult bestResult = null;
            long bestRequests = 0;
            double rePush = 0;
            double bestCpu = 0;
            long rePushRequests = 0;
            int runs = Integer.getInteger("bench.runs", 12);
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
                if (run == runs - 1) {
                    long before = store.requests();
                    t0 = System.nanoTime();
                    sync.sync();
                    rePush = (System.nanoTime() - t0) / 1e9;
                    rePushRequests = store.requests() - before;
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

    /** Generates data, starts moto, runs the phases and prints the table. */
    static final class Orchestrator {
        private final Path work;
        private final Path coreJar;
        private final boolean skipBig;
        private final boolean skipCold;
        private final boolean sweep;
        private final long bigMb;
        private final String handlerCommand;
        private final boolean latencyRows;
        private final boolean latencyOnly;
        private final long latencyMs;
        private final List<String[]> rows = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private Process moto;
        private String lastOutput = "";
        private String endpoint;

        Orchestrator(String[] args) {
            Map<String, String> opts = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].startsWith("--")) {
                    boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
                    opts.put(args[i].substring(2), flag ? "true" : args[++i]);
                }
            }
            work = Path.of(opts.getOrDefault("work", "bench/target/work")).toAbsolutePath();
            coreJar = Path.of(opts.getOrDefault("core-jar", "core/target/stance-sync.jar")).toAbsolutePath();
            skipBig = opts.containsKey("skip-big");
            skipCold = opts.containsKey("skip-cold");
            sweep = opts.containsKey("sweep");
            bigMb = Long.parseLong(opts.getOrDefault("big-mb", "1024"));
            handlerCommand = opts.get("handler-command");
            latencyOnly = opts.containsKey("latency-only");
            latencyRows = latencyOnly || opts.containsKey("latency-rows");
            latencyMs = Long.parseLong(opts.getOrDefault("latency-ms", "25"));
        }

        void run() throws Exception {
            Files.createDirectories(work);
            Path v1 = work.resolve("scan-v1");
            Path v2 = work.resolve("scan-v2");
            Path cold = work.resolve("cold/findings/cold/findings.jsonl");
            log("generating %d findings + %d assets (and the 10 %% changed copy)", FINDINGS, ASSETS);
            DataSet.writeScan(v1, "snap-1", FINDINGS, ASSETS, false);
            DataSet.writeScan(v2, "snap-2", FINDINGS, ASSETS, true);
            DataSet.writeScan(work.resolve("cold"), "cold", COLD_FINDINGS, 0, false);
            long findingBytes = Files.size(v1.resolve("findings/snap-1/findings.jsonl"));
            notes.add(String.format(Locale.ROOT, "findings average %d bytes per scan line",
                    findingBytes / FINDINGS));
            startMoto();
            try {
                if (latencyOnly) {
                    latency(v1);
                    return;
                }
                // The push rows run the default, adaptive concurrency; the raw loop a fixed 16.
                String c = "adaptive";
                int raw16 = SyncConfig.DEFAULT_CONCURRENCY;
                createBuckets("central", "raw", "raw2", "cold", "noindex");
                int records = FINDINGS + ASSETS;
                int changed = records / 10;
                Map<String, String> raw = phase(SMALL_HEAP, "rawput", v1.toString(), "raw", "" + raw16);
                Map<String, String> first = phase(SMALL_HEAP, "push", "central", v1.toString(), "" + c, "false");
                row("(a) first push, empty central", first, records, records);
                row("(b) unchanged re-push", phase(SMALL_HEAP, "push", "central", v1.toString(), "" + c, "false"),
                        records, records);
                sideBySide(v1, records);
                row("(c) 10 % changed re-push", phase(SMALL_HEAP, "push", "central", v2.toString(), "" + c, "false"),
                        records, changed);
                row("raw PUT loop, same objects (run before (a))", raw, records, records);
                row("raw PUT loop again (after (c))", phase(SMALL_HEAP, "rawput", v1.toString(), "raw2", "" + raw16), records,
                        records);
                notes.add(String.format(Locale.ROOT, "(a) reached %.0f %% of the first raw PUT loop's rate;"
                        + " CPU per request: push %.2f ms, raw PUT %.2f ms",
                        100 * Double.parseDouble(raw.get("seconds")) / Double.parseDouble(first.get("seconds")),
                        1000 * Double.parseDouble(first.get("cpuSeconds")) / Long.parseLong(first.get("requests")),
                        1000 * Double.parseDouble(raw.get("cpuSeconds")) / Long.parseLong(raw.get("requests"))));
                row("first push, --no-index", phase(SMALL_HEAP, "push", "noindex", v1.toString(), "" + c, "true"),
                        records, records);
                row("unchanged re-push, --no-index", phase(SMALL_HEAP, "push", "noindex", v1.toString(), "" + c, "true"),
                        records, records);
                if (sweep) {
                    for (int n : new int[] {4, 8, 16, 32}) {
                        createBuckets("sweep" + n);
                        row("(a) first push, concurrency " + n,
                                phase(SMALL_HEAP, "push", "sweep" + n, v1.toString(), "" + n, "false"), records, records);
                    }
                }
                Map<String, String> mem = phase(List.of("-Xmx1g"), "memory", v1.toString(), "" + c);
                row("engine alone, in-memory store", mem, records, records);
                notes.add(String.format(Locale.ROOT, "in-memory first push used %s CPU-seconds: %s records per CPU-second",
                        mem.get("cpuSeconds"), rate(records, Double.parseDouble(mem.get("cpuSeconds")))));
                notes.add("in-memory unchanged re-push: " + rate(records, Double.parseDouble(mem.get("rePushSeconds")))
                        + " records/s, " + mem.get("rePushRequests") + " requests");
                // The same at a fixed 16, round 1's setting: on a store that answers in microseconds
                // the adaptive limit stops growing at what the cores can serve, so the two should match.
                Map<String, String> mem16 = phase(List.of("-Xmx1g"), "memory", v1.toString(), "16");
                row("engine alone, in-memory store, concurrency 16", mem16, records, records);
                if (!skipBig) {
                    Path big = work.resolve("big/findings/big/findings.jsonl");
                    if (!Files.exists(big) || Files.size(big) < bigMb << 20) {
                        log("generating a %d MB findings.jsonl", bigMb);
                        DataSet.writeBigFindings(big, bigMb << 20);
                    }
                    long lines;
                    try (Stream<String> s = Files.lines(big)) {
                        lines = s.count();
                    }
                    Map<String, String> r = phase(List.of("-Xmx512m"), "big", big.toString(), "" + c);
                    row(String.format(Locale.ROOT, "%d MB findings.jsonl, -Xmx512m", Files.size(big) >> 20), r, lines,
                            lines);
                    notes.add(String.format(Locale.ROOT, "%d MB unchanged re-push in the same JVM: %s s, %s requests,"
                            + " %s skipped (peak RSS above covers both)", Files.size(big) >> 20, r.get("rePushSeconds"),
                            r.get("rePushRequests"), r.get("rePushSkipped")));
                    notes.add("the 1 GB run's store is in memory: it keeps the push index and counts record writes"
                            + " without keeping any (moto would need ~1 h for 708k PUTs on this machine); it measures"
                            + " the engine's memory bound");
                }
                if (latencyRows) {
                    latency(v1);
                }
                if (!skipCold) {
                    cold(cold);
                }
            } finally {
                stopMoto();
                print();
            }
        }

        /** The latency-bound rows: see {@link LatencyRows}. */
        private void latency(Path scan) throws Exception {
            Map<String, Map<String, String>> results = LatencyRows.run(endpoint, latencyMs, scan,
                    name -> createBuckets(name), (proxy, args) -> phaseAt(SMALL_HEAP, proxy, args));
            latencyRows(results, "first push, S3 on moto + " + latencyMs + " ms/request");
            Map<String, Map<String, String>> delayed = new LinkedHashMap<>();
            for (String setting : LatencyRows.SETTINGS) {
                delayed.put(setting, phase(SMALL_HEAP, "delayed", scan.toString(), setting, "" + latencyMs));
            }
            latencyRows(delayed, "first push, in-memory store + " + latencyMs + " ms/call");
        }

        private void latencyRows(Map<String, Map<String, String>> results, String what) {
            List<String> names = new ArrayList<>();
            notes.addAll(LatencyRows.describe(results, what, names));
            int i = 0;
            for (Map<String, String> r : results.values()) {
                long records = Long.parseLong(r.get("synced")) + Long.parseLong(r.get("skipped"));
                row(names.get(i++), r, records, records);
            }
        }

        /**
         * The unchanged re-push of the snapshot that (a) pushed, side by side: first the Python
         * transcription of the original (bench/original/original_push.py, same moto, same
         * bucket), then stance-sync's CLI from a cold process (JVM launch to exit); and the
         * same cold CLI re-push on a local folder.
         */
        private void sideBySide(Path scan, int records) throws Exception {
            // The CLI takes a scan prefix through its manifest, as Stance writes it.
            Files.createDirectories(scan.resolve("snapshots"));
            Files.writeString(scan.resolve("snapshots/manifest.json"), "{\"snapshots\": [{\"id\": \"snap-1\"}]}");
            List<String> original = List.of("python3", "bench/original/original_push.py", "--endpoint", endpoint,
                    "--bucket", "central", "--source", scan.toString(), "--account", DataSet.ACCOUNT);
            log("running the original's transcription: unchanged re-push");
            Process p = new ProcessBuilder(original).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !output.contains("RESULT")) {
                throw new IllegalStateException("original_push.py failed: " + output);
            }
            Map<String, String> orig = new LinkedHashMap<>();
            for (String kv : output.substring(output.indexOf("RESULT") + 6).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                orig.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            orig.put("errors", "0");
            row("original (Python transcription): unchanged re-push", orig, records, records);
            List<String> cli = List.of("-jar", coreJar.toString(), "push", "--central", "s3://central", "--source",
                    scan.toString(), "--account", DataSet.ACCOUNT, "--provider", "aws");
            List<Double> walls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                walls.add(cliWall(cli, null));
            }
            walls.sort(null);
            rows.add(new String[] {"(b) again from a cold CLI process (java -jar)", "" + records,
                fmt(walls.get(1)) + " wall (median of 3)", rate(records, walls.get(1)), requestsOf(lastOutput), "", ""});
            double ratio = Double.parseDouble(orig.get("seconds")) / walls.get(1);
            notes.add(String.format(Locale.ROOT, "unchanged re-push, same moto, same snapshot: the original's "
                    + "transcription %.2f s, stance-sync from a cold process %.2f s wall: %.0fx (target >= 50x)",
                    Double.parseDouble(orig.get("seconds")), walls.get(1), ratio));
            Path folder = work.resolve("folder-central");
            List<String> folderCli = List.of("-jar", coreJar.toString(), "push", "--central", folder.toString(),
                    "--source", scan.toString(), "--account", DataSet.ACCOUNT, "--provider", "aws", "--quiet");
            cliWall(folderCli, null); // the first push, which the re-pushes find
            List<Double> folderWalls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                folderWalls.add(cliWall(folderCli, null));
            }
            folderWalls.sort(null);
            rows.add(new String[] {"unchanged re-push to a folder, cold CLI process", "" + records,
                fmt(folderWalls.get(2)) + " wall (median of 5)", rate(records, folderWalls.get(2)), "", "", ""});
            notes.add(String.format(Locale.ROOT, "folder re-push from a cold process: %.2f s wall (target <= 1.0 s)",
                    folderWalls.get(2)));
        }

        /** The store requests a CLI summary line reports ({@code ...; 1 request: 1 read, ...}). */
        private static String requestsOf(String output) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (\\d+) requests?:").matcher(output);
            return m.find() ? m.group(1) : "?";
        }

        /** Wall seconds of one CLI process, JVM launch to exit; fails unless it exits 0. */
        private double cliWall(List<String> cli, String expect) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(cli);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            awsEnvironment(pb);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            double wall = (System.nanoTime() - t0) / 1e9;
            lastOutput = output;
            if (code != 0 || (expect != null && !output.contains(expect))) {
                throw new IllegalStateException("CLI run failed (" + code + "): " + output);
            }
            return wall;
        }

        private void cold(Path coldFile) throws Exception {
            Path archive = work.resolve("cli.jsa");
            Files.deleteIfExists(archive);
            List<String> cli = List.of("-jar", coreJar.toString(), "push", "--central", "s3://cold",
                    "--source", coldFile.toString(), "--account", DataSet.ACCOUNT, "--provider", "aws", "--prefix");
            // The training run of bench/cds-archive.sh: a push to this very kind of central.
            List<String> train = new ArrayList<>(List.of("bash", "bench/cds-archive.sh", archive.toString(), "--"));
            train.addAll(cli.subList(2, cli.size()));
            train.add("cold-train");
            ProcessBuilder pb = new ProcessBuilder(train).redirectErrorStream(true);
            awsEnvironment(pb);
            pb.environment().put("JAR", coreJar.toString());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !Files.exists(archive)) {
                throw new IllegalStateException("bench/cds-archive.sh failed: " + output);
            }
            String[][] variants = {
                {"cold CLI push, 100 findings: java -jar"},
                {"  C1 only (-XX:TieredStopAtLevel=1)", "-XX:TieredStopAtLevel=1"},
                {"  AppCDS only", "-XX:SharedArchiveFile=" + archive},
                {"  AppCDS + C1", "-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"},
                {"  AppCDS + C1 + -XX:+UseSerialGC -Xss256k", "-XX:SharedArchiveFile=" + archive,
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss256k"},
            };
            int n = 0;
            for (String[] v : variants) {
                List<String> flags = List.of(v).subList(1, v.length);
                List<Double> walls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    walls.add(coldRun(flags, cli, "v" + n + "-" + i));
                }
                walls.sort(null);
                rows.add(new String[] {v[0], "" + COLD_FINDINGS, fmt(walls.get(2)) + " wall (median of 5)",
                        rate(COLD_FINDINGS, walls.get(2)), "", "", ""});
                n++;
            }
            if (handlerCommand != null) {
                notes.add("handler command: " + handlerCommand);
            }
        }

        private double coldRun(List<String> flags, List<String> cli, String prefix) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(flags);
            cmd.addAll(cli);
            cmd.add("cold-" + prefix);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            awsEnvironment(pb);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            double wall = (System.nanoTime() - t0) / 1e9;
            if (code != 0 || !output.contains(COLD_FINDINGS + " synced")) {
                throw new IllegalStateException("cold run failed (" + code + "): " + output);
            }
            return wall;
        }

        private void awsEnvironment(ProcessBuilder pb) {
            pb.environment().put("AWS_ENDPOINT_URL_S3", endpoint);
            pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
            pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
            pb.environment().put("AWS_REGION", "us-east-1");
        }

        private Map<String, String> phase(List<String> jvmFlags, String... args) throws Exception {
            return phaseAt(jvmFlags, endpoint, args);
        }

        /** One phase in a child JVM whose S3 endpoint is {@code s3Endpoint} (moto, or a proxy in front of it). */
        private Map<String, String> phaseAt(List<String> jvmFlags, String s3Endpoint, String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(jvmFlags);
            cmd.addAll(awsProperties(s3Endpoint));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Bench.class.getName());
            cmd.add("phase");
            cmd.addAll(List.of(args));
            log("running %s", String.join(" ", args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Map<String, String> result = null;
            StringBuilder all = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    all.append(line).append('\n');
                    if (line.startsWith("RESULT")) {
                        result = new LinkedHashMap<>();
                        for (String kv : line.substring(6).trim().split(" ")) {
                            int eq = kv.indexOf('=');
                            result.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                }
            }
            if (p.waitFor() != 0 || result == null) {
                throw new IllegalStateException("phase " + String.join(" ", args) + " failed:\n" + all);
            }
            if (!"0".equals(result.get("errors"))) {
                notes.add(args[0] + ": " + result.get("errors") + " errors, first: " + result.get("firstError"));
            }
            return result;
        }

        private void row(String name, Map<String, String> r, long records, long denominator) {
            double seconds = Double.parseDouble(r.get("seconds"));
            long requests = Long.parseLong(r.get("requests"));
            rows.add(new String[] {name, Long.toString(records), fmt(seconds), rate(records, seconds),
                    Long.toString(requests), String.format(Locale.ROOT, "%.4f", requests / (double) denominator)
                    + (denominator != records ? " per changed" : ""),
                    r.containsKey("rssKb") ? Long.toString(Long.parseLong(r.get("rssKb")) >> 10) : ""});
            log("%s: %s", name, r);
        }

        private void print() {
            String[] head = {"run", "records", "seconds", "records/s", "requests", "requests/record", "peak RSS MB"};
            int[] w = new int[head.length];
            for (int i = 0; i < head.length; i++) {
                w[i] = head[i].length();
                for (String[] row : rows) {
                    w[i] = Math.max(w[i], row[i].length());
                }
            }
            StringBuilder sb = new StringBuilder("\n");
            line(sb, head, w);
            String[] sep = new String[head.length];
            for (int i = 0; i < head.length; i++) {
                sep[i] = "-".repeat(w[i]);
            }
            line(sb, sep, w);
            for (String[] row : rows) {
                line(sb, row, w);
            }
            sb.append('\n');
            sb.append("S3 runs: fresh JVM each, -Xmx256m; in-memory engine: -Xmx1g, best of the last 6 of 12 pushes (JIT warm); 1 GB run: -Xmx512m\n");
            sb.append(String.format(Locale.ROOT, "machine: %d cores, %s, Java %s; moto %s; concurrency adaptive "
                    + "(raw PUT loop %d), batch %d%n", Runtime.getRuntime().availableProcessors(), loadAverage(),
                    System.getProperty("java.version"), motoVersion(), SyncConfig.DEFAULT_CONCURRENCY,
                    SyncConfig.DEFAULT_BATCH_SIZE));
            for (String n : notes) {
                sb.append("note: ").append(n).append('\n');
            }
            System.out.print(sb);
        }

        private static void line(StringBuilder sb, String[] cells, int[] w) {
            sb.append('|');
            for (int i = 0; i < cells.length; i++) {
                String c = cells[i];
                sb.append(' ').append(i == 0 ? pad(c, w[i], false) : pad(c, w[i], true)).append(" |");
            }
            sb.append('\n');
        }

        private static String pad(String s, int w, boolean right) {
            String spaces = " ".repeat(Math.max(0, w - s.length()));
            return right ? spaces + s : s + spaces;
        }

        private static String fmt(double seconds) {
            return String.format(Locale.ROOT, "%.2f", seconds);
        }

        private static String rate(long records, double seconds) {
            return String.format(Locale.ROOT, "%,.0f", records / seconds);
        }

        private void startMoto() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            endpoint = "http://127.0.0.1:" + port;
            moto = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(work.resolve("moto.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopMoto));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
                    c.setConnectTimeout(500);
                    if (c.getResponseCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                if (!moto.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto did not start (pip install 'moto[server]>=5.1,<6'); see "
                            + work.resolve("moto.log"));
                }
                Thread.sleep(200);
            }
            log("moto on %s", endpoint);
        }

        private void stopMoto() {
            if (moto != null && moto.isAlive()) {
                moto.destroy();
            }
        }

        private void createBuckets(String... names) {
            try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                    .build()) {
                for (String name : names) {
                    s3.createBucket(b -> b.bucket(name));
                }
            }
        }

        private static String loadAverage() {
            try {
                return "load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0]
                        + " at the end";
            } catch (IOException e) {
                return "load unknown";
            }
        }

        private static String motoVersion() {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import moto; print(moto.__version__)").start();
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                return "?";
            }
        }

        private static String javaBinary() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        private static void log(String format, Object... args) {
            System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
        }
    }
}
