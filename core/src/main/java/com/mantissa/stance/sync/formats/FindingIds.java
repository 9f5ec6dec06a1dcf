package com.mantissa.stance.sync.formats;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ids of OCSF findings in one file. A finding keeps its {@code finding_info.uid} unless that
 * uid cannot tell records apart:
 * <ul>
 *   <li>a placeholder uid ({@code <finding_uid>}, as anonymised examples have) never identifies
 *       anything, so every record with one gets the derived id;</li>
 *   <li>a uid seen earlier in the file for another check or resource: the first record in file
 *       order keeps the uid, each later one with another check or resource gets the derived id.</li>
 * </ul>
 * The derived id is {@code <producer>-<check>-<hash>}: producer and check as written (lower-case
 * producer, characters other than letters, digits, '.', '_' and '-' replaced by '_'), and the
 * first 32 hex digits of the SHA-256 of {@code <producer>\n<check>\n<resource uid>} in UTF-8
 * (missing values as ""). It depends on the input alone, so the same file gives the same ids on
 * every run and machine. Memory: two 64-bit hashes per distinct uid, not the file's bytes.
 */
final class FindingIds {
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>]*>");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    /** Hash of a uid to the hash of the check and resource it was first seen with. */
    private final Map<Long, Long> seen = new HashMap<>();

    /** The record's id; {@code producer}, {@code check} and {@code resourceUid} may be null. */
    String idFor(String uid, String producer, String check, String resourceUid) {
        if (isPlaceholder(uid)) {
            return derived(producer, check, resourceUid);
        }
        long subject = hash64(nullToEmpty(check) + '\n' + nullToEmpty(resourceUid));
        Long first = seen.putIfAbsent(hash64(uid), subject);
        return first == null || first == subject ? uid : derived(producer, check, resourceUid);
    }

    /** An anonymised value such as {@code <account_uid>}: a name in angle brackets. */
    static boolean isPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value.trim()).matches();
    }

    static String derived(String producer, String check, String resourceUid) {
        String p = UNSAFE.matcher(producer == null || producer.isEmpty() ? "ocsf" : producer.toLowerCase(Locale.ROOT))
                .replaceAll("_");
        String c = UNSAFE.matcher(nullToEmpty(check)).replaceAll("_");
        String digest = HexFormat.of().formatHex(sha256(p + '\n' + nullToEmpty(check) + '\n' + nullToEmpty(resourceUid)));
        return p + "-" + (c.isEmpty() ? "" : c + "-") + digest.substring(0, 32);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** FNV-1a over the UTF-16 units: a collision only makes a later record take the derived id. */
    private static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
