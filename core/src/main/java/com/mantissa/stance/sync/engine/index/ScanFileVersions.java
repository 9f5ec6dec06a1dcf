package com.mantissa.stance.sync.engine.index;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scan files an account's push index remembers ({@link ScanFileEntry}), by the file's
 * identity: its store's location and key. Part of the index object itself, so whatever replaces
 * or deletes an account's index replaces or deletes these too. Stored after the record entries as
 * {@link PushIndexFormat} describes: a count (i32), then per file its identity (u16 length + UTF-8)
 * and its entry as JSON (i32 length + UTF-8).
 */
public final class ScanFileVersions {
    private final Map<String, ScanFileEntry> files = new TreeMap<>();

    /** The identity of {@code key} in the store at {@code location}. */
    public static String fileId(String location, String key) {
        return location.endsWith("/") ? location + key : location + "/" + key;
    }

    public ScanFileEntry get(String fileId) {
        return files.get(fileId);
    }

    public void remember(String fileId, ScanFileEntry entry) {
        files.put(fileId, entry);
    }

    /**
     * Forgets every file of {@code kind} but {@code except}: a push that wrote records of that
     * kind may have replaced what another file of the account put there, so those files are
     * read again next time rather than trusted.
     *
     * @return whether any entry was forgotten
     */
    public boolean forgetKind(String kind, String except) {
        return files.entrySet().removeIf(e -> e.getValue().kind().equals(kind) && !e.getKey().equals(except));
    }

    /**
     * Forgets every resolve pass the entries remember, keeping the entries: central now holds
     * records no remembered file holds, which a resolve pass could find missing from the snapshot.
     *
     * @return whether any was forgotten
     */
    public boolean forgetResolvePasses() {
        boolean any = false;
        for (Map.Entry<String, ScanFileEntry> e : files.entrySet()) {
            if (!e.getValue().resolvePass().isEmpty()) {
                e.setValue(e.getValue().withResolvePass(null));
                any = true;
            }
        }
        return any;
    }

    /** Forgets every file; returns whether there was any. */
    public boolean forgetAll() {
        boolean any = !files.isEmpty();
        files.clear();
        return any;
    }

    public int size() {
        return files.size();
    }

    /** Takes in another writer's entries of files this one does not know, or read later. */
    void mergeNewer(ScanFileVersions other) {
        other.files.forEach((id, theirs) -> {
            ScanFileEntry mine = files.get(id);
            if (mine == null || theirs.recordedAt() > mine.recordedAt()) {
                files.put(id, theirs);
            }
        });
    }

    /** The stored form's bytes of every file. */
    byte[] toBytes() {
        byte[][] ids = new byte[files.size()][];
        byte[][] entries = new byte[files.size()][];
        int length = 4;
        int i = 0;
        for (Map.Entry<String, ScanFileEntry> e : files.entrySet()) {
            ids[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            entries[i] = CanonicalJson.write(e.getValue().toMap()).getBytes(StandardCharsets.UTF_8);
            length += 2 + ids[i].length + 4 + entries[i].length;
            i++;
        }
        ByteBuffer out = ByteBuffer.allocate(length).putInt(files.size());
        for (int j = 0; j < ids.length; j++) {
            out.putShort((short) ids[j].length).put(ids[j]).putInt(entries[j].length).put(entries[j]);
        }
        return out.array();
    }

    /** Reads what {@link #toBytes()} wrote from {@code in}, up to the index's checksum. */
    void read(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new CorruptIndexException("implausible scan file count " + count);
        }
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(id);
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new CorruptIndexException("truncated scan file entry");
            }
            byte[] json = new byte[length];
            in.get(json);
            Object parsed;
            try {
                parsed = JsonParser.parse(new String(json, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new CorruptIndexException("scan file entry is not JSON: " + e.getMessage());
            }
            files.put(new String(id, StandardCharsets.UTF_8), ScanFileEntry.fromMap(parsed));
        }
    }
}
