package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.changes.ChangeLog;
import com.mantissa.stance.sync.engine.push.PushCheckpoint;
import com.mantissa.stance.sync.engine.push.StoredIndexes;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.engine.scan.SnapshotCounts;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.RequestCounts;
import com.mantissa.stance.sync.storage.StorageAdapter;
import java.util.ArrayList;
import java.util.List;

/**
 * One invocation's state of a {@link ResumablePush}: what it pushes, and what it has counted so
 * far (the progress and counts its checkpoint keeps, the result it reports).
 */
final class ResumablePushRun {
    final StorageAdapter store;
    final List<ScanLocator.ScanFile> files;
    final String source;
    final String account;
    final String provider;
    final String key;
    final RequestCounts requestsBefore;
    final List<PushCheckpoint.FileProgress> progress = new ArrayList<>();
    PushCheckpoint.Counts counts = PushCheckpoint.Counts.ZERO;
    SnapshotCounts counted = new SnapshotCounts();
    int invocations = 1;
    SyncResult total = new SyncResult(0, 0, 0, List.of(), 0, SyncDirection.PUSH);
    boolean stored;
    long filesUnchanged;
    /** What the last run of the engine pushed: its records, their counts, whether any failed. */
    long lastRecords;
    SnapshotCounts lastCounted = new SnapshotCounts();
    boolean lastFailed;
    /** What this invocation's runs of the engine and its resolve pass change, recorded as one push at its end. */
    ChangeLog changes;
    /**
     * The account's index as this invocation knows it: read once, by the check for unchanged
     * files or the first run of the engine, then each run takes what the one before it wrote.
     */
    final StoredIndexes indexes = new StoredIndexes(true);

    ResumablePushRun(StorageAdapter store, List<ScanLocator.ScanFile> files, String source, String account,
                     String provider, String key, RequestCounts requestsBefore) {
        this.store = store;
        this.files = files;
        this.source = source;
        this.account = account;
        this.provider = provider;
        this.key = key;
        this.requestsBefore = requestsBefore;
    }
}
