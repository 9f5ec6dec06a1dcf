package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.model.SyncConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's one table: a row per measurement, then the run's conditions and notes. */
final class ResultTable {
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A row of the table's seven cells, for a measurement that is not a phase's result. */
    void add(String[] cells) {
        rows.add(cells);
    }

    void note(String note) {
        notes.add(note);
    }

    void notes(Collection<String> more) {
        notes.addAll(more);
    }

    void row(String name, Map<String, String> r, long records, long denominator) {
        double seconds = Double.parseDouble(r.get("seconds"));
        long requests = Long.parseLong(r.get("requests"));
        rows.add(new String[] {name, Long.toString(records), fmt(seconds), rate(records, seconds),
                Long.toString(requests), String.format(Locale.ROOT, "%.4f", requests / (double) denominator)
                + (denominator != records ? " per changed" : ""),
                r.containsKey("rssKb") ? Long.toString(Long.parseLong(r.get("rssKb")) >> 10) : ""});
        System.err.printf(Locale.ROOT, "[bench] %s: %s%n", name, r);
    }

    void print() {
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
        sb.append("S3 runs: fresh JVM each, -Xmx256m; in-memory engine: -Xmx1g, best of the last " + Phase.MEMORY_RUNS / 2
                + " of " + Phase.MEMORY_RUNS + " pushes (JIT warm); 1 GB run: -Xmx512m\n");
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

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    static String rate(long records, double seconds) {
        return String.format(Locale.ROOT, "%,.0f", records / seconds);
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
}
