package com.mantissa.stance.sync.storage;

import java.util.Objects;

/**
 * The precondition of a write, mapped by each adapter onto its store's native one:
 * create-if-absent is S3/Azure {@code If-None-Match: *} and GCS {@code ifGenerationMatch=0};
 * replace-if-unchanged is S3/Azure {@code If-Match: etag} and GCS
 * {@code ifGenerationMatch=generation}.
 */
public final class WriteCondition {

    public enum Kind { NONE, IF_ABSENT, IF_MATCH }

    public static final WriteCondition NONE = new WriteCondition(Kind.NONE, null);
    public static final WriteCondition IF_ABSENT = new WriteCondition(Kind.IF_ABSENT, null);

    private final Kind kind;
    private final String versionToken;

    private WriteCondition(Kind kind, String versionToken) {
        this.kind = kind;
        this.versionToken = versionToken;
    }

    /** Replace only if the object still has {@code versionToken}, as returned by a read or write. */
    public static WriteCondition ifMatch(String versionToken) {
        if (versionToken == null || versionToken.isEmpty()) {
            throw new IllegalArgumentException("ifMatch needs a version token");
        }
        return new WriteCondition(Kind.IF_MATCH, versionToken);
    }

    /**
     * Whether a write may replace an object whose current version token is {@code currentToken}
     * ({@code null} when the object does not exist). For a store without native preconditions,
     * which checks under its own lock.
     */
    public boolean allows(String currentToken) {
        return switch (kind) {
            case NONE -> true;
            case IF_ABSENT -> currentToken == null;
            case IF_MATCH -> versionToken.equals(currentToken);
        };
    }

    /**
     * {@link #allows} or a {@link PreconditionFailedException} that says why, naming
     * {@code object} (the key and its store).
     */
    public void check(String currentToken, String object) {
        if (!allows(currentToken)) {
            throw new PreconditionFailedException(object + (kind == Kind.IF_ABSENT ? " already exists"
                    : currentToken == null ? " no longer exists" : " changed since it was read"), null);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The expected token for {@link Kind#IF_MATCH}, otherwise null. */
    public String versionToken() {
        return versionToken;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteCondition w && w.kind == kind && Objects.equals(w.versionToken, versionToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, versionToken);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "unconditional";
            case IF_ABSENT -> "if-absent";
            case IF_MATCH -> "if-match " + versionToken;
        };
    }
}
