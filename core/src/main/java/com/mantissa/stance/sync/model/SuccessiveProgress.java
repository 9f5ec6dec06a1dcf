package com.mantissa.stance.sync.model;

import java.util.Objects;

/**
 * The progress of syncs run one after another, shown as one run: each sync's records count on
 * from those of the syncs before it. What a worker shows across the sources it pushes, and a
 * resumable push across its runs of one file. The total is never known.
 */
public final class SuccessiveProgress {
    private final SyncProgress display;
    private long recordsDone;

    public SuccessiveProgress(SyncProgress display) {
        this.display = Objects.requireNonNull(display, "display");
    }

    /** The listener for the next sync; give each sync its own, after the one before has ended. */
    public SyncProgress next() {
        long before = recordsDone;
        return (done, total) -> {
            recordsDone = before + done;
            display.recordsDone(recordsDone, -1);
        };
    }
}
