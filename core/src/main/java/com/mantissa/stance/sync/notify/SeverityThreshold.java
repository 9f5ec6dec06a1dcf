package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.FindingChange;
import java.util.Locale;

/**
 * The least severity a change must reach to be notified: {@code critical}, {@code high},
 * {@code medium}, {@code low} or {@code info}. A {@code severity_changed} reaches it when either
 * its new or its previous severity does, so a finding falling from critical to low is still told.
 */
public final class SeverityThreshold {
    private final String severity;
    private final int rank;

    private SeverityThreshold(String severity, int rank) {
        this.severity = severity;
        this.rank = rank;
    }

    /** @throws IllegalArgumentException naming the accepted severities when {@code text} is none of them */
    public static SeverityThreshold of(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        int rank = Finding.SEVERITIES.indexOf(s);
        if (rank < 0) {
            throw new IllegalArgumentException("expected one of " + String.join(", ", Finding.SEVERITIES) + ", got '"
                    + text + "'");
        }
        return new SeverityThreshold(s, rank);
    }

    /** Whether the change is to be notified. */
    public boolean reaches(FindingChange change) {
        return reaches(change.severity())
                || change.change() == FindingChange.Kind.SEVERITY_CHANGED && reaches(change.previousSeverity());
    }

    private boolean reaches(String changeSeverity) {
        if (changeSeverity == null) {
            return false;
        }
        int r = Finding.SEVERITIES.indexOf(changeSeverity.toLowerCase(Locale.ROOT));
        // SEVERITIES runs from critical down to info: a smaller index is more severe.
        return r >= 0 && r <= rank;
    }

    /** The severity as a user writes it. */
    public String severity() {
        return severity;
    }

    @Override
    public String toString() {
        return severity;
    }
}
