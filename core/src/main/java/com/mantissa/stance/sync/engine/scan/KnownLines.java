package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.index.LineHash;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.model.RecordKind;
import java.time.Clock;
import java.util.Arrays;

/**
 * Recognises, from its bytes alone, a scan line whose record central already holds as the
 * push index says: the index entry carries the hash of the very line its content came from, is
 * trusted, and is younger than the index's maximum age. Such a line is skipped without being
 * parsed or canonicalised (the most expensive work of an unchanged re-push); it counts in the
 * account's status as the entry remembers that line counting ({@link CountedAs}), and an entry
 * that does not know (an index stored before lines were counted) is a miss. Used only where
 * the canonical path would skip the same record without a request: LATEST_WINS or
 * CENTRAL_WINS, with the index, not a dry run, without state tracking. Any difference in the
 * bytes is a miss and takes the canonical path.
 *
 * <p>A line that is not known is not parsed here either, but handed on as bytes, so that the
 * push parses it on its worker threads rather than on the one thread that reads the scan
 * (a line without a '{' cannot be a record and is left to the reader: blank or an error).
 * Coordinating thread only.
 */
public final class KnownLines implements ScanFileReader.LineFilter {
    private final PushIndex index;
    private final RecordKind kind;
    private final Clock clock;
    private final long maxAgeMicros;
    private RecordSource.Line last;

    public KnownLines(PushIndex index, RecordKind kind, Clock clock, long maxAgeMicros) {
        this.index = index;
        this.kind = kind;
        this.clock = clock;
        this.maxAgeMicros = maxAgeMicros;
    }

    @Override
    public boolean known(byte[] line, int length) {
        LineHash hash = LineHash.of(kind, line, length);
        PushIndex.Known known = index.knownLine(hash, PushIndex.micros(clock.instant()), maxAgeMicros);
        boolean object = false;
        for (int i = 0; i < length && !object; i++) {
            object = line[i] == '{';
        }
        if (known == null && !object) {
            last = new RecordSource.Line(hash, null, null, null);
            return false;
        }
        last = known == null ? new RecordSource.Line(hash, null, Arrays.copyOf(line, length), null)
                : new RecordSource.Line(hash, known.key(), Arrays.copyOf(line, length), known.counted());
        return true;
    }

    /** What {@link #known} found for the line the reader returned last; null if it saw none. */
    RecordSource.Line take() {
        RecordSource.Line line = last;
        last = null;
        return line;
    }
}
