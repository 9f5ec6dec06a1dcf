package com.mantissa.stance.sync.engine.central;

import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.StreamingUpload;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The store an export writes Stance's layout into: its keys, the snapshots its manifest names
 * and whether they are whole, the claim that keeps two exports off one snapshot id, and the
 * conditional manifest write that tells the losing one of two concurrent exports that it lost.
 * Only snapshots whose manifest entry carries {@value ExportManifest#ESTATE_ACCOUNT} as their
 * account are export's own; a target that lists any other is refused, never written or pruned.
 */
public final class ExportTarget {
    private final CountingStore store;
    private final String base;
    private final Retry retry;

    public ExportTarget(CountingStore store, String base, Retry retry) {
        this.store = store;
        this.base = base;
        this.retry = retry;
    }

    public String manifestKey() {
        return base + "snapshots/manifest.json";
    }

    /**
     * The export's own state: the newest snapshot's id and the digest of its content, kept apart
     * from the manifest so that the manifest has exactly Stance's keys.
     */
    public String stateKey() {
        return base + "_state/export.json";
    }

    public String fileKey(RecordKind kind, String snapshot) {
        return base + kind.folder() + "/" + snapshot + "/" + kind.folder() + ".jsonl";
    }

    /** Reserves snapshot {@code id} while an export writes it, so that two exports never share one. */
    private String claimKey(String id) {
        return base + "_state/claims/" + id;
    }

    public String where(String key) {
        return store.location() + "/" + key;
    }

    public Optional<StoredObject> read(String key) {
        return call(() -> store.readRecord(key), key);
    }

    public void write(String key, byte[] content) {
        call(() -> store.writeRecord(key, content), key);
    }

    public void upload(String key, Path file) {
        call(() -> StreamingUpload.upload(store, key, file), key);
    }

    /**
     * Stops, as a configuration error, an export onto a target whose manifest lists snapshots
     * export did not write (a spoke's own scan: {@code --keep} would delete them), or whose
     * manifest has the snapshot id asked for.
     */
    public void refuseForeignOrTaken(List<Map<String, Object>> entries, String requestedId) {
        for (Map<String, Object> entry : entries) {
            if (!ExportManifest.ESTATE_ACCOUNT.equals(entry.get("account_id"))) {
                throw new SyncAbortedException("export refused: " + where(manifestKey()) + " lists snapshot '"
                        + entry.get("id") + "' of account '" + entry.get("account_id") + "', which export did not "
                        + "write (its own carry account_id '" + ExportManifest.ESTATE_ACCOUNT + "'); export to a "
                        + "target of its own", null);
            }
        }
        if (requestedId != null && ExportManifest.ids(entries).contains(requestedId)) {
            throw new SyncAbortedException("export refused: snapshot '" + requestedId + "' already exists in "
                    + where(manifestKey()) + "; name a new one", null);
        }
    }

    /**
     * The ids among {@code entries} a file of which is missing, and the newest one when a file of
     * it differs in size from the same content, exported again, in {@code sameContent}.
     */
    public List<String> brokenSnapshots(List<Map<String, Object>> entries, Map<RecordKind, Path> sameContent)
            throws IOException {
        List<String> broken = new ArrayList<>();
        for (String id : ExportManifest.ids(entries)) {
            boolean newest = id.equals(entries.get(0).get("id"));
            for (RecordKind kind : RecordKind.values()) {
                String key = fileKey(kind, id);
                Optional<ObjectMetadata> stored = call(() -> store.getMetadata(key), key);
                if (stored.isEmpty() || (newest && sameContent.containsKey(kind)
                        && stored.get().size() != Files.size(sameContent.get(kind)))) {
                    broken.add(id);
                    break;
                }
            }
        }
        return broken;
    }

    /**
     * The snapshot id to write, {@code requestedId} or the first free second from {@code at},
     * reserved with a claim object written only if absent: two exports in one second get
     * different ids, so neither ever writes, or deletes, the other's files.
     */
    public String claim(String requestedId, Instant at, List<String> taken, String claimedAt) {
        List<String> tried = new ArrayList<>(taken);
        for (int attempt = 0; ; attempt++) {
            String id = requestedId != null ? requestedId : ExportManifest.nextId(at, tried);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("snapshot", id);
            fields.put("claimed_at", claimedAt);
            byte[] claim = (CanonicalJson.writeUnsorted(fields) + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                call(() -> store.writeRecord(claimKey(id), claim, WriteCondition.IF_ABSENT), claimKey(id));
                return id;
            } catch (PreconditionFailedException claimed) {
                if (requestedId != null || attempt >= 1000) {
                    throw new SyncAbortedException("export refused: snapshot '" + id + "' is being written by "
                            + "another export (" + where(claimKey(id)) + "; delete it if none runs)", claimed);
                }
                tried.add(id);
            }
        }
    }

    /** Drops the claim on snapshot {@code id}; one left behind only reserves an id of a past second. */
    public void release(String id) {
        try {
            delete(claimKey(id));
        } catch (RuntimeException leftBehind) {
            // The snapshot is written or removed either way; the claim holds no data.
        }
    }

    /** Writes the manifest if it is still the one read; false when another export changed it meanwhile. */
    public boolean writeManifest(Optional<StoredObject> previous, List<Map<String, Object>> entries) {
        byte[] bytes = ExportManifest.bytes(entries);
        WriteCondition condition = previous.isPresent() && previous.get().versionToken() != null
                ? WriteCondition.ifMatch(previous.get().versionToken())
                : WriteCondition.IF_ABSENT;
        try {
            call(() -> store.writeRecord(manifestKey(), bytes, condition), manifestKey());
            return true;
        } catch (PreconditionFailedException e) {
            return false;
        }
    }

    public void deleteSnapshot(String id) {
        if (!ExportManifest.safeId(id)) {
            return;
        }
        for (RecordKind kind : RecordKind.values()) {
            String folder = base + kind.folder() + "/" + id + "/";
            for (String key : call(() -> store.listRecords(folder), folder)) {
                delete(key);
            }
        }
    }

    private void delete(String key) {
        call(() -> {
            store.deleteRecord(key);
            return null;
        }, key);
    }

    private <T> T call(Supplier<T> call, String key) {
        try {
            return retry.call(call);
        } catch (PermanentStorageException e) {
            throw new SyncAbortedException("export stopped at " + key + ": " + e.getMessage(), e);
        }
    }
}
