package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.model.FindingChangeJson;
import java.util.Locale;

/**
 * The least severity a change must reach to be notified: {@code critical}, {@code high},
 * {@code medium}, {@code low} or {@code info}. A {@code severity_changed} reaches it when either
 * its new or its previous severity does, so a finding falling from critical to low is still told.
 */
public final class SeverityThreshold {
    private final String severity;

    private SeverityThreshold(String severity) {
        this.severity = severity;
    }

    /** @throws IllegalArgumentException naming the accepted severities when {@code text} is none of them */
    public static SeverityThreshold of(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        int rank = Finding.SEVERITIES.indexOf(s);
        if (rank < 0) {
            throw new IllegalArgumentException("expected one of " + String.join(", ", Finding.SEVERITIES) + ", got '"
                    + text + "'");
        }
        return new SeverityThreshold(s);
    }

    /** Whether the change is to be notified: the same test as {@code changes --min-severity}. */
    public boolean reaches(FindingChange change) {
        return FindingChangeJson.reaches(change, severity);
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
