package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.model.FindingChange;
import java.util.Objects;

/**
 * Which change, if any, a write made to a finding, from central's status and severity before
 * and after it. A new id that arrives open is {@code opened} (one that arrives resolved,
 * suppressed or a false positive opened nothing anyone must act on); resolved to open is
 * {@code reopened}; anything not resolved to resolved is {@code resolved}; otherwise a finding
 * that is not resolved and whose severity moved is {@code severity_changed}. A move between
 * open, suppressed and false positive alone is no change of the feed.
 */
public final class ChangeRules {
    private ChangeRules() {
    }

    /**
     * @param existed        whether central held the finding before
     * @param beforeStatus   its status before; ignored when it did not exist
     * @param beforeSeverity its severity before; ignored when it did not exist
     * @return the change, or null for none
     */
    public static FindingChange.Kind kind(boolean existed, String beforeStatus, String beforeSeverity,
                                          String afterStatus, String afterSeverity) {
        boolean openNow = "open".equals(afterStatus);
        boolean resolvedNow = "resolved".equals(afterStatus);
        if (!existed) {
            return openNow ? FindingChange.Kind.OPENED : null;
        }
        boolean resolvedBefore = "resolved".equals(beforeStatus);
        if (resolvedBefore && openNow) {
            return FindingChange.Kind.REOPENED;
        }
        if (!resolvedBefore && resolvedNow) {
            return FindingChange.Kind.RESOLVED;
        }
        if (!resolvedNow && !resolvedBefore && !Objects.equals(beforeSeverity, afterSeverity)) {
            return FindingChange.Kind.SEVERITY_CHANGED;
        }
        return null;
    }
}
