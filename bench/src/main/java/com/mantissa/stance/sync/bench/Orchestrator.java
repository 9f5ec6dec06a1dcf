package com.mantissa.stance.sync.bench;

import static com.mantissa.stance.sync.bench.Bench.ASSETS;
import static com.mantissa.stance.sync.bench.Bench.COLD_FINDINGS;
import static com.mantissa.stance.sync.bench.Bench.FINDINGS;
import static com.mantissa.stance.sync.bench.Bench.SMALL_HEAP;
import static com.mantissa.stance.sync.bench.Bench.awsProperties;
import static com.mantissa.stance.sync.bench.ResultTable.fmt;
import static com.mantissa.stance.sync.bench.ResultTable.rate;

import com.mantissa.stance.sync.model.SyncConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** Generates data, starts moto, runs the phases and prints the table. */
final class Orchestrator {
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
    private final ResultTable table = new ResultTable();
    private MotoProcess moto;
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
        table.note(String.format(Locale.ROOT, "findings average %d bytes per scan line",
                findingBytes / FINDINGS));
        moto = MotoProcess.start(work);
            endpoint = moto.endpoint();
        try {
            if (latencyOnly) {
                latency(v1);
                return;
            }
            // The push rows run the default, adaptive concurrency; the raw loop a fixed 16.
            String c = "adaptive";
            int raw16 = SyncConfig.DEFAULT_CONCURRENCY;
            moto.createBuckets("central", "raw", "raw2", "cold", "noindex");
            int records = FINDINGS + ASSETS;
            int changed = records / 10;
            Map<String, String> raw = phase(SMALL_HEAP, "rawput", v1.toString(), "raw", "" + raw16);
            Map<String, String> first = phase(SMALL_HEAP, "push", "central", v1.toString(), "" + c, "false");
            table.row("(a) first push, empty central", first, records, records);
            table.row("(b) unchanged re-push", phase(SMALL_HEAP, "push", "central", v1.toString(), "" + c, "false"),
                    records, records);
            sideBySide(v1, records);
            table.row("(c) 10 % changed re-push", phase(SMALL_HEAP, "push", "central", v2.toString(), "" + c, "false"),
                    records, changed);
            table.row("raw PUT loop, same objects (run before (a))", raw, records, records);
            table.row("raw PUT loop again (after (c))", phase(SMALL_HEAP, "rawput", v1.toString(), "raw2", "" + raw16), records,
                    records);
            table.note(String.format(Locale.ROOT, "(a) reached %.0f %% of the first raw PUT loop's rate;"
                    + " CPU per request: push %.2f ms, raw PUT %.2f ms",
                    100 * Double.parseDouble(raw.get("seconds")) / Double.parseDouble(first.get("seconds")),
                    1000 * Double.parseDouble(first.get("cpuSeconds")) / Long.parseLong(first.get("requests")),
                    1000 * Double.parseDouble(raw.get("cpuSeconds")) / Long.parseLong(raw.get("requests"))));
            table.row("first push, --no-index", phase(SMALL_HEAP, "push", "noindex", v1.toString(), "" + c, "true"),
                    records, records);
            table.row("unchanged re-push, --no-index", phase(SMALL_HEAP, "push", "noindex", v1.toString(), "" + c, "true"),
                    records, records);
            if (sweep) {
                for (int n : new int[] {4, 8, 16, 32}) {
                    moto.createBuckets("sweep" + n);
                    table.row("(a) first push, concurrency " + n,
                            phase(SMALL_HEAP, "push", "sweep" + n, v1.toString(), "" + n, "false"), records, records);
                }
            }
            Map<String, String> mem = phase(List.of("-Xmx1g"), "memory", v1.toString(), "" + c);
            table.row("engine alone, in-memory store", mem, records, records);
            table.note(String.format(Locale.ROOT, "in-memory first push used %s CPU-seconds: %s records per CPU-second",
                    mem.get("cpuSeconds"), rate(records, Double.parseDouble(mem.get("cpuSeconds")))));
            table.note("in-memory unchanged re-push: " + rate(records, Double.parseDouble(mem.get("rePushSeconds")))
                    + " records/s, " + mem.get("rePushRequests") + " requests");
            // The same at a fixed 16 (the fixed default before adaptive concurrency): on a store that answers in microseconds
            // the adaptive limit stops growing at what the cores can serve, so the two should match.
            Map<String, String> mem16 = phase(List.of("-Xmx1g"), "memory", v1.toString(), "16");
            table.row("engine alone, in-memory store, concurrency 16", mem16, records, records);
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
                table.row(String.format(Locale.ROOT, "%d MB findings.jsonl, -Xmx512m", Files.size(big) >> 20), r, lines,
                        lines);
                table.note(String.format(Locale.ROOT, "%d MB unchanged re-push in the same JVM: %s s, %s requests,"
                        + " %s skipped (peak RSS above covers both)", Files.size(big) >> 20, r.get("rePushSeconds"),
                        r.get("rePushRequests"), r.get("rePushSkipped")));
                table.note("the 1 GB run's store is in memory: it keeps the push index and counts record writes"
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
            moto.stop();
            table.print();
        }
    }

    /** The latency-bound rows: see {@link LatencyRows}. */
    private void latency(Path scan) throws Exception {
        Map<String, Map<String, String>> results = LatencyRows.run(endpoint, latencyMs, scan,
                name -> moto.createBuckets(name), (proxy, args) -> phaseAt(SMALL_HEAP, proxy, args));
        latencyRows(results, "first push, S3 on moto + " + latencyMs + " ms/request");
        Map<String, Map<String, String>> delayed = new LinkedHashMap<>();
        for (String setting : LatencyRows.SETTINGS) {
            delayed.put(setting, phase(SMALL_HEAP, "delayed", scan.toString(), setting, "" + latencyMs));
        }
        latencyRows(delayed, "first push, in-memory store + " + latencyMs + " ms/call");
    }

    private void latencyRows(Map<String, Map<String, String>> results, String what) {
        List<String> names = new ArrayList<>();
        table.notes(LatencyRows.describe(results, what, names));
        int i = 0;
        for (Map<String, String> r : results.values()) {
            long records = Long.parseLong(r.get("synced")) + Long.parseLong(r.get("skipped"));
            table.row(names.get(i++), r, records, records);
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
        table.row("original (Python transcription): unchanged re-push", orig, records, records);
        List<String> cli = List.of("-jar", coreJar.toString(), "push", "--central", "s3://central", "--source",
                scan.toString(), "--account", DataSet.ACCOUNT, "--provider", "aws");
        List<Double> walls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            walls.add(cliWall(cli, null));
        }
        walls.sort(null);
        table.add(new String[] {"(b) again from a cold CLI process (java -jar)", "" + records,
            fmt(walls.get(1)) + " wall (median of 3)", rate(records, walls.get(1)), requestsOf(lastOutput), "", ""});
        double ratio = Double.parseDouble(orig.get("seconds")) / walls.get(1);
        table.note(String.format(Locale.ROOT, "unchanged re-push, same moto, same snapshot: the original's "
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
        table.add(new String[] {"unchanged re-push to a folder, cold CLI process", "" + records,
            fmt(folderWalls.get(2)) + " wall (median of 5)", rate(records, folderWalls.get(2)), "", "", ""});
        table.note(String.format(Locale.ROOT, "folder re-push from a cold process: %.2f s wall (target <= 1.0 s)",
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
            table.add(new String[] {v[0], "" + COLD_FINDINGS, fmt(walls.get(2)) + " wall (median of 5)",
                    rate(COLD_FINDINGS, walls.get(2)), "", "", ""});
            n++;
        }
        if (handlerCommand != null) {
            table.note("handler command: " + handlerCommand);
        }
    }

    private double coldRun(List<String> flags, List<String> cli, String prefix) throws Exception {
        List<String> args = new ArrayList<>(flags);
        args.addAll(cli);
        args.add("cold-" + prefix);
        return cliWall(args, COLD_FINDINGS + " synced");
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
            table.note(args[0] + ": " + result.get("errors") + " errors, first: " + result.get("firstError"));
        }
        return result;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
