package com.mantissa.stance.sync.model;

/**
 * Told how far a sync has got, for a progress display. Called on the sync's coordinating
 * thread after each batch, so an implementation needs no locking but must be quick.
 */
@FunctionalInterface
public interface SyncProgress {
    /** Reports nothing. */
    SyncProgress NONE = (done, total) -> {
    };

    /**
     * @param done  records finished so far (synced, skipped or failed)
     * @param total records this sync expects, or -1 while that is unknown (a scan is streamed)
     */
    void recordsDone(long done, long total);

    /**
     * How much of its scan files a push has read, when their sizes are known: what an ETA can
     * go by while the record total is not known. Called just before {@link #recordsDone}.
     *
     * @param read bytes of the files read so far
     * @param size bytes of all the files this push reads
     */
    default void bytesRead(long read, long size) {
    }

    /**
     * A guide to the record total of a run that cannot know it in advance (an export: the
     * records the last export held), for an estimated total and ETA. Called before the first
     * {@link #recordsDone}, only when there is such a guide.
     */
    default void recordsExpectedAbout(long records) {
    }
}
