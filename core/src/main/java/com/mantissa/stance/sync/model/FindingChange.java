package com.mantissa.stance.sync.model;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One change a push made to a central finding, as the change feed stores it and a notification
 * carries it. {@code previousSeverity} is set only for {@link Kind#SEVERITY_CHANGED};
 * {@code reason} only for {@link Kind#RESOLVED} when the resolve pass resolved it.
 */
public record FindingChange(
        OffsetDateTime at,
        String account,
        String provider,
        String id,
        Kind change,
        String severity,
        String previousSeverity,
        String title,
        String assetId,
        String snapshot,
        String reason) {

    public FindingChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(change, "change");
    }

    /** What happened to the finding, named as the feed writes it. */
    public enum Kind {
        OPENED("opened"),
        REOPENED("reopened"),
        RESOLVED("resolved"),
        SEVERITY_CHANGED("severity_changed");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static Kind of(String text) {
            for (Kind kind : values()) {
                if (kind.text.equals(text)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown change kind '" + text + "'; expected opened, reopened, resolved or severity_changed");
        }
    }
}
