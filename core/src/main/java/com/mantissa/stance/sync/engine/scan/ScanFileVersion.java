package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.index.ScanFileVersions;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.storage.ObjectMetadata;

/**
 * A scan file as its store's listing, manifest or one metadata request showed it before the push
 * read it: which file ({@link ScanFileVersions#fileId}), its version (etag, GCS generation, a
 * folder's size-and-modification token), size and snapshot. The push compares it with what the
 * account's index remembers and skips an unchanged file unread ({@code skipIfUnchanged}), and
 * remembers it once read whole without an error.
 *
 * <p>A file pushed in several runs of the engine (a push within a time budget) is remembered by its
 * last run, which carries what the earlier runs of the same invocation pushed of it:
 * {@code earlierRecords} and {@code earlierCounts}; such a run never skips.
 */
public record ScanFileVersion(String fileId, RecordKind kind, String version, long size, String snapshot,
                              boolean skipIfUnchanged, long earlierRecords, SnapshotCounts earlierCounts) {

    /**
     * A file read in one run, skipped when the index shows it unchanged. Another producer's file
     * holds both kinds and is pushed once per kind, so each kind is remembered under its own id.
     */
    public static ScanFileVersion of(String location, ScanLocator.ScanFile file, ObjectMetadata meta, String snapshot) {
        String id = ScanFileVersions.fileId(location, file.key());
        return new ScanFileVersion(file.producer() ? id + "#" + file.kind().folder() : id, file.kind(), token(meta),
                meta.size(), snapshot, true, 0, new SnapshotCounts());
    }

    /** The last run of a file whose earlier runs pushed {@code records} records counted as {@code counts}. */
    public ScanFileVersion lastRunAfter(long records, SnapshotCounts counts) {
        return new ScanFileVersion(fileId, kind, version, size, snapshot, false, records, counts);
    }

    /** The version token a store's metadata gives: the etag, and on GCS the generation after it. */
    public static String token(ObjectMetadata meta) {
        return (meta.etag() == null ? "" : meta.etag()) + (meta.generation() == null ? "" : "#" + meta.generation());
    }
}
