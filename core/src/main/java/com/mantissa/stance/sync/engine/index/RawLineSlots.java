package com.mantissa.stance.sync.engine.index;

import static com.mantissa.stance.sync.engine.index.PushIndex.RAW;

/**
 * The second table of a {@link PushIndex}: the slot of each entry that carries a raw line hash
 * ({@link LineHash}), found by that hash. Open addressing, at most 3/4 full; a table entry is
 * verified against the slot's hash on lookup, so one left stale by a later write is a miss.
 */
final class RawLineSlots {
    /** Slot + 1 of the entry with a raw line hash, by that hash; 0 empty. */
    private int[] byRaw;
    private int rawCount;

    RawLineSlots(int capacity) {
        this.byRaw = new int[capacity];
    }

    /** The slot of the entry whose raw line hash is {@code hi}, {@code lo}; -1 when none. */
    int find(SlotPages slots, long hi, long lo) {
        int mask = byRaw.length - 1;
        for (int i = (int) (hi ^ (lo >>> 17)) & mask; byRaw[i] != 0; i = (i + 1) & mask) {
            int slot = byRaw[i] - 1;
            if (slots.get(slot, RAW) == hi && slots.get(slot, RAW + 1) == lo) {
                return slot;
            }
        }
        return -1;
    }

    /** Makes {@code slot} the one found by its raw line hash (none for an entry without one). */
    void add(SlotPages slots, boolean[] used, int slot) {
        long hi = slots.get(slot, RAW);
        long lo = slots.get(slot, RAW + 1);
        if (hi == 0 && lo == 0) {
            return;
        }
        if ((rawCount + 1) * 4L > byRaw.length * 3L) {
            rebuild(slots, used);
        }
        int mask = byRaw.length - 1;
        int i = (int) (hi ^ (lo >>> 17)) & mask;
        while (byRaw[i] != 0) {
            int other = byRaw[i] - 1;
            if (slots.get(other, RAW) == hi && slots.get(other, RAW + 1) == lo) {
                byRaw[i] = slot + 1;
                return;
            }
            i = (i + 1) & mask;
        }
        byRaw[i] = slot + 1;
        rawCount++;
    }

    /** Rebuilds the table from the entries: after the slots moved, or when stale hashes filled it. */
    void rebuild(SlotPages slots, boolean[] used) {
        byRaw = new int[used.length];
        rawCount = 0;
        for (int slot = 0; slot < used.length; slot++) {
            if (used[slot]) {
                add(slots, used, slot);
            }
        }
    }
}
