package com.mantissa.stance.sync.engine.index;

/**
 * Fixed-size slots of longs in pages of 4,096 slots rather than one array: a 700,000-entry
 * {@link PushIndex} needs about 100 MB of slots, and the garbage collector can place many pages
 * under 512 KB each where one 100 MB array needs that much contiguous free heap (in a 512 MB
 * heap it often is not, and the load failed with free heap to spare). Not thread-safe.
 */
final class SlotPages {
    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_MASK = (1 << PAGE_SHIFT) - 1;

    private final int stride;
    private final long[][] pages;

    SlotPages(int slots, int stride) {
        this.stride = stride;
        int pageSlots = Math.min(slots, 1 << PAGE_SHIFT);
        this.pages = new long[(slots + pageSlots - 1) / pageSlots][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new long[pageSlots * stride];
        }
    }

    long get(int slot, int field) {
        return pages[slot >>> PAGE_SHIFT][(slot & PAGE_MASK) * stride + field];
    }

    void set(int slot, int field, long value) {
        pages[slot >>> PAGE_SHIFT][(slot & PAGE_MASK) * stride + field] = value;
    }

    /** Copies {@code length} longs of a slot from {@code field} on into {@code target}. */
    void read(int slot, int field, long[] target, int length) {
        System.arraycopy(pages[slot >>> PAGE_SHIFT], (slot & PAGE_MASK) * stride + field, target, 0, length);
    }

    /** Copies {@code source} into a slot from {@code field} on. */
    void write(int slot, int field, long[] source, int length) {
        System.arraycopy(source, 0, pages[slot >>> PAGE_SHIFT], (slot & PAGE_MASK) * stride + field, length);
    }

    /** Copies a whole slot of {@code from} into {@code slot} of this. */
    void copySlot(SlotPages from, int fromSlot, int slot) {
        System.arraycopy(from.pages[fromSlot >>> PAGE_SHIFT], (fromSlot & PAGE_MASK) * stride,
                pages[slot >>> PAGE_SHIFT], (slot & PAGE_MASK) * stride, stride);
    }
}
