package com.mantissa.stance.sync.engine.push;

import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a resumable push of one source got, kept in central under
 * {@code {central_prefix}/_state/{account}/resume/} between invocations: per scan file its
 * identity (key and version token: etag, and generation on GCS), the offset reached after the
 * last completed batch (line number and byte offset) and whether it is done; and the counts so
 * far. A file whose version token differs from the checkpoint's is a newer scan and starts again
 * from its first line.
 */
public record PushCheckpoint(String source, List<FileProgress> files, Counts counts, SnapshotCounts counted,
                             int invocations) {

    /** One scan file's progress. {@code line} is the last line pushed (0: none yet). */
    public record FileProgress(String key, String version, long line, long byteOffset, boolean done) {
    }

    /** Totals over every invocation of this push. */
    public record Counts(long synced, long skipped, long conflicts, long errors) {
        public static final Counts ZERO = new Counts(0, 0, 0, 0);

        public Counts plus(long synced, long skipped, long conflicts, long errors) {
            return new Counts(this.synced + synced, this.skipped + skipped, this.conflicts + conflicts,
                    this.errors + errors);
        }
    }

    public PushCheckpoint {
        files = List.copyOf(files);
    }

    /** The central key of the checkpoint of {@code source} pushed for {@code account}. */
    public static String key(String centralPrefix, String account, String source) {
        RecordPaths.validateAccount(account);
        String digest = Checksums.sha256Hex(source.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return (centralPrefix.isEmpty() ? "" : centralPrefix + "/") + "_state/" + account + "/resume/" + digest + ".json";
    }

    /** The progress of {@code key}, if this checkpoint has any. */
    public FileProgress progress(String key) {
        for (FileProgress f : files) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        return null;
    }

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        List<Object> list = new ArrayList<>();
        for (FileProgress f : files) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", f.key());
            e.put("version", f.version());
            e.put("line", f.line());
            e.put("byte_offset", f.byteOffset());
            e.put("done", f.done());
            list.add(e);
        }
        m.put("files", list);
        m.put("counts", Map.of("synced", counts.synced(), "skipped", counts.skipped(),
                "conflicts", counts.conflicts(), "errors", counts.errors()));
        m.put("counted", counted.toMap());
        m.put("invocations", invocations);
        return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException when the bytes are not a checkpoint */
    public static PushCheckpoint parse(byte[] bytes) {
        Map<String, Object> m = JsonParser.parseObject(new String(bytes, StandardCharsets.UTF_8));
        List<FileProgress> files = new ArrayList<>();
        if (!(m.get("files") instanceof List<?> list)) {
            throw new IllegalArgumentException("checkpoint has no file list");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> e)) {
                throw new IllegalArgumentException("checkpoint file entry is not an object");
            }
            files.add(new FileProgress(string(e.get("key")), string(e.get("version")), number(e.get("line")),
                    number(e.get("byte_offset")), Boolean.TRUE.equals(e.get("done"))));
        }
        if (!(m.get("counts") instanceof Map<?, ?> c)) {
            throw new IllegalArgumentException("checkpoint has no counts");
        }
        return new PushCheckpoint(string(m.get("source")), files, new Counts(number(c.get("synced")),
                number(c.get("skipped")), number(c.get("conflicts")), number(c.get("errors"))),
                m.get("counted") instanceof Map<?, ?> counted ? SnapshotCounts.fromMap(counted) : new SnapshotCounts(),
                (int) number(m.get("invocations")));
    }

    private static String string(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("checkpoint field is not a string: " + o);
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("checkpoint field is not a number: " + o);
    }
}
