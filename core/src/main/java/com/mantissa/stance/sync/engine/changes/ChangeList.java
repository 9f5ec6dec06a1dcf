package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.model.FindingChange;
import java.time.OffsetDateTime;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * One account's changes of a push, in the feed's order (by id, then as they happened): the runs
 * {@link ChangeLog} spilled to disk merged with what it still held. Read it by iterating or
 * streaming, which reads the runs side by side and holds one change of each; {@link #get} walks
 * from the start. Readable until the change log is closed, that is until the next push of the
 * same sync begins.
 */
public final class ChangeList extends AbstractList<FindingChange> {
    private final ChangeSpill spill;
    private final List<ChangeSpill.Run> runs;
    private final List<FindingChange> held;
    private final OffsetDateTime at;
    private final String account;
    private final int size;

    /** @param held the changes not spilled, sorted in the feed's order */
    ChangeList(ChangeSpill spill, List<ChangeSpill.Run> runs, List<FindingChange> held, OffsetDateTime at,
               String account) {
        this.spill = spill;
        this.runs = List.copyOf(runs);
        this.held = List.copyOf(held);
        this.at = at;
        this.account = account;
        this.size = this.runs.stream().mapToInt(ChangeSpill.Run::count).sum() + this.held.size();
    }

    @Override
    public int size() {
        return size;
    }

    /** Walks the list to {@code index}: for tests and small lists; iterate to read a push's changes. */
    @Override
    public FindingChange get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        Iterator<FindingChange> it = iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }

    @Override
    public Iterator<FindingChange> iterator() {
        if (runs.isEmpty()) {
            return held.iterator();
        }
        List<Iterator<FindingChange>> sources = new ArrayList<>(runs.size() + 1);
        for (ChangeSpill.Run run : runs) {
            sources.add(spill.read(run, at, account));
        }
        sources.add(held.iterator());
        return new Merge(sources);
    }

    /**
     * The sources merged by id; on equal ids the earlier source first, since runs were spilled in
     * the order the changes happened and the held changes came last.
     */
    private static final class Merge implements Iterator<FindingChange> {
        private record Head(FindingChange change, int source) {
        }

        private final List<Iterator<FindingChange>> sources;
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
            int byId = a.change().id().compareTo(b.change().id());
            return byId != 0 ? byId : Integer.compare(a.source(), b.source());
        });

        Merge(List<Iterator<FindingChange>> sources) {
            this.sources = sources;
            for (int i = 0; i < sources.size(); i++) {
                advance(i);
            }
        }

        private void advance(int source) {
            Iterator<FindingChange> it = sources.get(source);
            if (it.hasNext()) {
                heads.add(new Head(it.next(), source));
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public FindingChange next() {
            Head head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            advance(head.source());
            return head.change();
        }
    }
}
