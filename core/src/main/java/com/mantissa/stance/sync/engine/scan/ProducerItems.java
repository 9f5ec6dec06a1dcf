package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.formats.ProducerRecord;
import com.mantissa.stance.sync.formats.ProducerRecords;
import com.mantissa.stance.sync.model.RecordKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one kind from another producer's file (OCSF, ASFF), as push items: the mapped
 * raw maps, which then take the path, normalisation and {@code _checksum} of any Stance record.
 * A producer file is read once per kind pushed; only the reading that {@code reportsProblems}
 * turns an element that cannot be mapped into an error and a documented fallback into a
 * warning, so each is reported once.
 */
final class ProducerItems implements RecordSource.Items {
    private final ProducerRecords records;
    private final CountedInput counted;
    private final ProducerRecord.Kind kind;
    private final boolean reportsProblems;
    private final List<String> warnings = new ArrayList<>();
    private ProducerRecord next;

    ProducerItems(CountedInput in, String displayName, Format format, RecordKind kind, String account,
                  String provider, boolean reportsProblems) {
        this.counted = in;
        this.records = ProducerRecords.open(in, displayName, format, account, provider);
        this.kind = kind == RecordKind.FINDING ? ProducerRecord.Kind.FINDING : ProducerRecord.Kind.ASSET;
        this.reportsProblems = reportsProblems;
    }

    @Override
    public boolean hasNext() {
        while (next == null && records.hasNext()) {
            ProducerRecord r = records.next();
            boolean problem = r.isError() || r.kind() == null;
            if (problem ? reportsProblems : r.kind() == kind) {
                next = r;
            }
            if (reportsProblems) {
                r.warnings().forEach(w -> warnings.add(r.origin() + ": " + w));
            }
        }
        return next != null;
    }

    @Override
    public RecordSource.Item next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException();
        }
        ProducerRecord r = next;
        next = null;
        if (r.isError()) {
            return new RecordSource.Item(r.origin(), null, r.error());
        }
        if (r.kind() == null) {
            // Unreachable while the format is given, as the locator gives it; never pushed unmapped.
            return new RecordSource.Item(r.origin(), null, r.origin() + ": a Stance record where "
                    + records.format().value() + " was expected");
        }
        return new RecordSource.Item(r.origin(), r.raw(), null);
    }

    @Override
    public long bytesRead() {
        return counted.count();
    }

    /** The producer file's bytes read so far, as a scan file's: what makes a push of new content a new push. */
    @Override
    public String contentDigest() {
        return counted.digest();
    }

    @Override
    public List<String> takeWarnings() {
        List<String> taken = List.copyOf(warnings);
        warnings.clear();
        return taken;
    }

    @Override
    public void close() throws IOException {
        records.close();
    }
}
