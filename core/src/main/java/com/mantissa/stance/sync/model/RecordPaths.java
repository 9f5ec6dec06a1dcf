package com.mantissa.stance.sync.model;

import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.Printable;

/**
 * Central keys of records, identical to the original's, except that ids which would escape
 * their folder (the original's path-traversal hole) are rejected instead of written.
 */
public final class RecordPaths {
    private RecordPaths() {
    }

    /** {@code {prefix}/findings/{md5(id)[0:4]}/{account}/{id}.json}. */
    public static String findingPath(String centralPrefix, String accountId, String id) {
        validateAccount(accountId);
        validateFindingId(id);
        return base(centralPrefix) + "findings/" + Checksums.md5Hex(id).substring(0, 4) + "/"
                + accountId + "/" + id + ".json";
    }

    /** {@code {prefix}/assets/{md5(id)[0:4]}/{account}/{safe_id}.json}, md5 over the original id. */
    public static String assetPath(String centralPrefix, String accountId, String id) {
        validateAccount(accountId);
        validateAssetId(id);
        String safeId = id.replace('/', '_').replace(':', '_');
        return base(centralPrefix) + "assets/" + Checksums.md5Hex(id).substring(0, 4) + "/"
                + accountId + "/" + safeId + ".json";
    }

    /** Whether {@link #validateAccount} accepts {@code accountId}. */
    public static boolean isSafeAccount(String accountId) {
        try {
            validateAccount(accountId);
            return true;
        } catch (InvalidRecordException unsafe) {
            return false;
        }
    }

    public static void validateAccount(String accountId) {
        if (accountId == null || accountId.isEmpty()) {
            throw new InvalidRecordException("unsafe account id '" + accountId + "': must not be empty");
        }
        if (accountId.equals(".") || accountId.equals("..")) {
            throw new InvalidRecordException("unsafe account id '" + accountId + "': must not be '.' or '..'");
        }
        if (accountId.indexOf('/') >= 0) {
            throw new InvalidRecordException("unsafe account id '" + printable(accountId) + "': contains '/'");
        }
        checkCommon("account id", accountId);
    }

    public static void validateFindingId(String id) {
        checkPresent("finding id", id);
        checkCommon("finding id", id);
        int start = 0;
        while (true) {
            int slash = id.indexOf('/', start);
            String segment = slash < 0 ? id.substring(start) : id.substring(start, slash);
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidRecordException("unsafe finding id '" + printable(id)
                        + "': a '/'-separated segment is empty, '.' or '..'");
            }
            if (slash < 0) {
                return;
            }
            start = slash + 1;
        }
    }

    public static void validateAssetId(String id) {
        checkPresent("asset id", id);
        checkCommon("asset id", id);
    }

    private static void checkPresent(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidRecordException(what + " must not be empty");
        }
    }

    private static void checkCommon(String what, String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '\\') {
                throw new InvalidRecordException("unsafe " + what + " '" + printable(id) + "': contains a backslash");
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new InvalidRecordException("unsafe " + what + " '" + printable(id)
                        + "': contains a control character");
            }
            // The original encodes ids as UTF-8 (strict) for the md5, which fails on these.
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRecordException("unsafe " + what + " '" + printable(id)
                        + "': contains a lone surrogate");
            }
        }
    }

    private static String base(String centralPrefix) {
        if (centralPrefix == null || centralPrefix.isEmpty()) {
            return "";
        }
        return centralPrefix.endsWith("/") ? centralPrefix : centralPrefix + "/";
    }

    /** The id as it may appear in a message: control characters shown as escapes. */
    static String printable(String s) {
        return Printable.of(s);
    }
}
