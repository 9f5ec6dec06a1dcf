package com.mantissa.stance.sync.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A parsed store location: {@code s3://bucket/prefix}, {@code gs://bucket/prefix},
 * {@code az://account/container/prefix}, {@code https://account.blob.core.windows.net/container/prefix},
 * {@code file:///abs/path} or a plain path. For a bucket the path after it is the prefix
 * (null when absent); a folder is the store's root and has no prefix of its own.
 */
public final class StorageLocation {

    public enum Scheme {
        FILE("local"), S3("aws"), GCS("gcp"), AZURE("azure");

        private final String provider;

        Scheme(String provider) {
            this.provider = provider;
        }

        /** The cloud provider name a store of this kind belongs to ({@code local} for a folder). */
        public String provider() {
            return provider;
        }
    }

    private final Scheme scheme;
    private final String bucket;
    private final String container;
    private final String prefix;
    private final Path folder;
    private final String text;

    private StorageLocation(Scheme scheme, String bucket, String container, String prefix, Path folder, String text) {
        this.scheme = scheme;
        this.bucket = bucket;
        this.container = container;
        this.prefix = prefix;
        this.folder = folder;
        this.text = text;
    }

    /** Parses a location; the message of a failure says which forms are accepted. */
    public static StorageLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("a storage location must not be blank");
        }
        String text = location.strip();
        int colon = text.indexOf("://");
        if (colon < 0) {
            return folder(Path.of(text), text);
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 3);
        return switch (scheme) {
            case "s3" -> bucketLocation(Scheme.S3, rest, text);
            case "gs" -> bucketLocation(Scheme.GCS, rest, text);
            case "az" -> azure(rest, text);
            case "https", "http" -> azureUrl(text);
            case "file" -> folder(fileUriPath(text), text);
            default -> throw new IllegalArgumentException("unsupported location '" + redact(text) + "': expected s3://bucket/prefix, "
                    + "gs://bucket/prefix, az://account/container/prefix, "
                    + "https://account.blob.core.windows.net/container/prefix, file:///path or a folder path");
        };
    }

    private static StorageLocation folder(Path path, String text) {
        return new StorageLocation(Scheme.FILE, null, null, null, path.toAbsolutePath().normalize(), text);
    }

    private static Path fileUriPath(String text) {
        try {
            // Through a string again: a path made from a URI keeps redundant slashes that
            // normalize() does not remove, so file:///:// did not equal its own printed form
            // (found by fuzzing).
            return Path.of(Path.of(new URI(text)).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid file URI '" + redact(text) + "': expected file:///absolute/path", e);
        }
    }

    private static StorageLocation bucketLocation(Scheme scheme, String rest, String text) {
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("location '" + redact(text) + "' names no bucket");
        }
        requireName("bucket", bucket, text);
        return new StorageLocation(scheme, bucket, null, prefixOf(slash < 0 ? "" : rest.substring(slash + 1)), null,
                text);
    }

    private static StorageLocation azure(String rest, String text) {
        String[] parts = rest.split("/", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("location '" + redact(text) + "' must be az://account/container[/prefix]");
        }
        requireName("storage account", parts[0], text);
        requireName("container", parts[1], text);
        return new StorageLocation(Scheme.AZURE, parts[0], parts[1], prefixOf(parts.length > 2 ? parts[2] : ""),
                null, text);
    }

    /** {@code https://account.blob.core.windows.net/container/path}, or an emulator's {@code http://host:port/account/container/path}. */
    private static StorageLocation azureUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL '" + redact(text) + "'", e);
        }
        String host = uri.getHost();
        String path = uri.getRawPath() == null ? "" : decode(uri.getRawPath());
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        // Accounts with a hierarchical namespace report the Data Lake endpoint (.dfs.core.); the
        // same blob is reached through the blob endpoint, which is what the adapter speaks.
        if (host != null && (host.contains(".blob.core.") || host.contains(".dfs.core."))) {
            String account = host.substring(0, host.indexOf('.'));
            return azure(account + "/" + path, text);
        }
        if (host != null && (host.equals("localhost") || host.matches("[0-9.]+") || host.startsWith("["))) {
            return azure(path, text);
        }
        throw new IllegalArgumentException("unsupported URL '" + redact(text)
                + "': only Azure Blob URLs (https://account.blob.core.windows.net/container/prefix) are accepted");
    }

    /**
     * No cloud allows whitespace or control characters in bucket, account or container names;
     * refused here so that they cannot reach a request, and because a name ending in one
     * would not survive printing and parsing (found by fuzzing: {@code s3://bht\f/}).
     */
    private static void requireName(String what, String name, String text) {
        if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c))) {
            throw new IllegalArgumentException("location '" + redact(text) + "': the " + what
                    + " name contains whitespace or a control character");
        }
    }

    /**
     * {@code location} as an error message may show it: without user info
     * ({@code user:password@}) and without a query or fragment, where a SAS token or a
     * pre-signed URL's signature would be.
     */
    public static String redact(String location) {
        if (location == null) {
            return null;
        }
        String s = location;
        int query = indexOfAny(s, '?', '#');
        if (query >= 0) {
            s = s.substring(0, query) + "?[redacted]";
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int authorityEnd = indexOfAny(s.substring(scheme + 3), '/', '?');
            String authority = authorityEnd < 0 ? s.substring(scheme + 3) : s.substring(scheme + 3, scheme + 3 + authorityEnd);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                s = s.substring(0, scheme + 3) + "[redacted]@" + s.substring(scheme + 3 + at + 1);
            }
        }
        return s;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String decode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The path without slashes or whitespace at either end: parse() strips the text's ends, so a
     * prefix ending in whitespace would not survive printing and parsing again (found by
     * fuzzing: {@code s3://b//\u000b//} had the prefix {@code "\u000b"}, printed as
     * {@code s3://b/\u000b}, which parses to no prefix).
     */
    private static String prefixOf(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && (path.charAt(start) == '/' || Character.isWhitespace(path.charAt(start)))) {
            start++;
        }
        while (end > start && (path.charAt(end - 1) == '/' || Character.isWhitespace(path.charAt(end - 1)))) {
            end--;
        }
        return start == end ? null : path.substring(start, end);
    }

    public Scheme scheme() {
        return scheme;
    }

    /** S3/GCS bucket, or the Azure storage account; null for a folder. */
    public String bucket() {
        return bucket;
    }

    /** Azure container; null elsewhere. */
    public String container() {
        return container;
    }

    /** The path after the bucket/container, without surrounding slashes; null when absent. */
    public String prefix() {
        return prefix;
    }

    public String prefixOr(String fallback) {
        return prefix == null ? fallback : prefix;
    }

    /** The folder of a {@link Scheme#FILE} location; null elsewhere. */
    public Path folder() {
        return folder;
    }

    /**
     * Makes a folder location that does not exist yet, as the first write into it would: a
     * writer's resolve pass reads central before anything is written, and a folder that does not
     * exist yet is an empty central, not a mistyped one. A bucket, an existing folder, and a path
     * that is a file (left for the store to refuse) are untouched.
     *
     * @return whether the folder was made
     * @throws java.io.IOException when the folder cannot be made
     */
    public boolean createMissingFolder() throws java.io.IOException {
        if (scheme != Scheme.FILE || java.nio.file.Files.exists(folder)) {
            return false;
        }
        java.nio.file.Files.createDirectories(folder);
        return true;
    }

    /** What {@code central_bucket} names: the bucket, {@code account/container}, or the folder. */
    public String bucketName() {
        return switch (scheme) {
            case FILE -> folder.toString();
            case AZURE -> bucket + "/" + container;
            default -> bucket;
        };
    }

    /** The same location with another prefix. */
    public StorageLocation withPrefix(String newPrefix) {
        return new StorageLocation(scheme, bucket, container, newPrefix == null ? null : prefixOf(newPrefix), folder,
                text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorageLocation l && l.scheme == scheme && Objects.equals(l.bucket, bucket)
                && Objects.equals(l.container, container) && Objects.equals(l.prefix, prefix)
                && Objects.equals(l.folder, folder);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, bucket, container, prefix, folder);
    }

    @Override
    public String toString() {
        return switch (scheme) {
            case FILE -> folder.toUri().toString();
            case S3 -> "s3://" + bucket + (prefix == null ? "" : "/" + prefix);
            case GCS -> "gs://" + bucket + (prefix == null ? "" : "/" + prefix);
            case AZURE -> "az://" + bucket + "/" + container + (prefix == null ? "" : "/" + prefix);
        };
    }
}
