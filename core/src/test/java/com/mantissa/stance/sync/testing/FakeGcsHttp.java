package com.mantissa.stance.sync.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The HTTP side of {@link FakeGcsJsonApiServer}: reading paths, queries and (gzip, multipart)
 * bodies, and answering with JSON or with an error in the GCS JSON API's shape.
 */
final class FakeGcsHttp {
    private FakeGcsHttp() {
    }

    /** A request the fake refuses, answered with {@code status} and a GCS-style error body. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String reason;

        BadRequest(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    static Long longParam(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "invalid", "Invalid value for " + name + ": " + value);
        }
    }

    /** Path segments, each percent-decoded on its own so an encoded '/' stays inside its segment. */
    static List<String> splitPath(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                // '+' is literal in a path; only the query uses it for a space.
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    static byte[] readBody(HttpExchange ex) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
        try (InputStream in = gzip ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    static void drain(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
    }

    static List<byte[]> multipartParts(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/related")) {
            throw new BadRequest(400, "invalid", "multipart upload needs Content-Type multipart/related, got " + contentType);
        }
        String boundary = null;
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase().startsWith("boundary=")) {
                boundary = p.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null) {
            throw new BadRequest(400, "invalid", "multipart Content-Type without boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = new ArrayList<>();
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int afterDelimiter = start + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                break;
            }
            int next = indexOf(body, delimiter, afterDelimiter);
            if (next < 0) {
                throw new BadRequest(400, "invalid", "multipart body without closing boundary");
            }
            // Each part sits between the CRLF after its delimiter and the CRLF before the next one.
            int from = afterDelimiter + 2;
            int to = next - 2;
            parts.add(Arrays.copyOfRange(body, from, Math.max(from, to)));
            start = next;
        }
        return parts;
    }

    static byte[] partBody(byte[] part) {
        byte[] separator = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(part, separator, 0);
        if (at < 0) {
            // A part with no headers starts with the blank line itself.
            if (part.length >= 2 && part[0] == '\r' && part[1] == '\n') {
                return Arrays.copyOfRange(part, 2, part.length);
            }
            throw new BadRequest(400, "invalid", "multipart part without header separator");
        }
        return Arrays.copyOfRange(part, at + separator.length, part.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The object's bytes with the headers GCS sends with them; a single {@code Range: bytes=a-b}
     * or {@code bytes=a-} gets 206 and that part, any other form of Range the whole object.
     */
    static void sendMedia(HttpExchange ex, FakeGcsBuckets.Blob stored) throws IOException {
        ex.getResponseHeaders().add("Content-Type", stored.contentType());
        ex.getResponseHeaders().add("x-goog-generation", Long.toString(stored.generation()));
        ex.getResponseHeaders().add("x-goog-metageneration", "1");
        ex.getResponseHeaders().add("x-goog-stored-content-length", Integer.toString(stored.data().length));
        ex.getResponseHeaders().add("x-goog-stored-content-encoding", "identity");
        ex.getResponseHeaders().add("x-goog-hash", "crc32c=" + FakeGcsBuckets.crc32c(stored.data()));
        ex.getResponseHeaders().add("x-goog-hash", "md5=" + stored.md5());
        ex.getResponseHeaders().add("ETag", stored.etag());
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher r = range == null ? null
                : Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range.trim());
        if (r == null || !r.matches()) {
            send(ex, 200, stored.data());
            return;
        }
        int length = stored.data().length;
        long from = Long.parseLong(r.group(1));
        long to = r.group(2).isEmpty() ? length - 1 : Math.min(Long.parseLong(r.group(2)), length - 1);
        if (from >= length) {
            throw new BadRequest(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
        }
        ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + length);
        send(ex, 206, Arrays.copyOfRange(stored.data(), (int) from, (int) to + 1));
    }

    static void sendError(HttpExchange ex, int status, String reason, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("code", status);
        error.addProperty("message", message);
        JsonArray errors = new JsonArray();
        JsonObject detail = new JsonObject();
        detail.addProperty("domain", "global");
        detail.addProperty("reason", reason);
        detail.addProperty("message", message);
        errors.add(detail);
        error.add("errors", errors);
        JsonObject body = new JsonObject();
        body.add("error", error);
        sendJson(ex, status, body);
    }

    static void sendJson(HttpExchange ex, int status, JsonObject body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        send(ex, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
