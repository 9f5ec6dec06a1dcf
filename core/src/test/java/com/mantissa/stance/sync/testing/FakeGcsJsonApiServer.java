package com.mantissa.stance.sync.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A hand-written fake of the GCS JSON API, in memory on loopback, covering only the calls that
 * {@code GCSStorageAdapter} makes through the real {@code google-cloud-storage} HTTP client.
 *
 * <p>It exists because no GCS server that honours generation preconditions starts offline from
 * Maven Central or npm: firebase-tools' storage emulator downloads a rules jar at start and
 * ignores {@code ifGenerationMatch}; google-cloud-nio's {@code LocalStorageHelper} is an
 * in-process stub that ignores it on create, answers a generation mismatch with 404 and never
 * paginates. What this fake does implement, it implements as GCS documents it:
 * {@code ifGenerationMatch} checked atomically with the write (0 = create-if-absent) and on
 * reads and deletes, answered with 412 {@code conditionNotMet}; a new, larger generation on
 * every write; list in UTF-8 byte order by {@code prefix}, at most 1000 items a page, with an
 * opaque {@code pageToken}; 404s that say whether the bucket or the object is missing;
 * {@code crc32c} validation of uploads (400 on mismatch); gzip-encoded request bodies;
 * multipart, media and resumable uploads (a session URI from {@code uploadType=resumable},
 * chunks with {@code Content-Range}, 308 with the {@code Range} received, the precondition
 * checked when the session starts and again, atomically, when it completes); single
 * {@code Range: bytes=a-b} or {@code bytes=a-} on media downloads (206); bucket insert (409 if
 * it exists).
 *
 * <p>Not covered; a request that needs one of these gets 400 or 501 rather than a silent
 * success, except where noted: preconditions other than
 * {@code ifGenerationMatch}; {@code delimiter}, {@code versions}, offsets and
 * {@code matchGlob} in listings; compose, copy, rewrite, patch; ACLs and IAM; batch requests;
 * customer-supplied encryption keys. Silently different from GCS: authentication (any token
 * or none is accepted), {@code fields} (full resources are always returned), other forms of
 * {@code Range} (ignored: the whole object is returned), object metadata other than content type,
 * object size limits, and throttling (no 429/503 unless injected with
 * {@link #failNextRequests}).
 */
public final class FakeGcsJsonApiServer implements AutoCloseable {

    private static final int MAX_PAGE = 1000;
    private static final Set<String> IGNORED_QUERY = Set.of(
            "alt", "uploadType", "name", "prefix", "pageToken", "maxResults", "fields", "projection",
            "prettyPrint", "userProject", "generation", "ifGenerationMatch", "project", "upload_id");

    private record StoredBlob(byte[] data, long generation, Instant updated, String contentType) {
    }

    /** A resumable upload under way: where it goes, its precondition, and the bytes received so far. */
    private static final class UploadSession {
        final String bucket;
        final String name;
        final JsonObject metadata;
        final Long generationMatch;
        final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

        UploadSession(String bucket, String name, JsonObject metadata, Long generationMatch) {
            this.bucket = bucket;
            this.name = name;
            this.metadata = metadata;
            this.generationMatch = generationMatch;
        }
    }

    private final Map<String, UploadSession> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger nextSession = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong largestUploadRequest = new java.util.concurrent.atomic.AtomicLong();

    private final HttpServer server;
    private final ExecutorService executor;
    // bucket -> (name -> object), names in GCS list order; every access holds the monitor, so a
    // precondition check and the write it guards are one atomic step, as on GCS.
    private final Map<String, NavigableMap<String, StoredBlob>> buckets = new HashMap<>();
    private long lastGeneration = Instant.now().toEpochMilli() * 1000;
    private final AtomicInteger injectedFailures = new AtomicInteger();
    private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile int injectedStatus;
    private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextMediaRead =
            new java.util.concurrent.atomic.AtomicReference<>();

    private FakeGcsJsonApiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port. */
    public static FakeGcsJsonApiServer start() throws IOException {
        // Without TCP_NODELAY the JDK server writes headers and body as separate small segments
        // and every response waits out the client's delayed ACK (~40 ms on loopback). Read once,
        // when the JDK server's config class loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // Several threads so racing writers really race inside the server.
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-gcs");
            t.setDaemon(true);
            return t;
        });
        FakeGcsJsonApiServer fake = new FakeGcsJsonApiServer(server, executor);
        server.createContext("/", fake::handle);
        server.setExecutor(executor);
        server.start();
        return fake;
    }

    /** The value for {@code STORAGE_EMULATOR_HOST}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public synchronized void createBucket(String bucket) {
        buckets.computeIfAbsent(bucket, b -> new TreeMap<>(FakeGcsJsonApiServer::compareUtf8));
    }

    /** Answers the next {@code count} requests with {@code status} and a GCS-style error body. */
    public void failNextRequests(int count, int status) {
        injectedStatus = status;
        injectedFailures.set(count);
    }

    /**
     * Runs {@code action} once, when the next object media download arrives and before it is
     * answered: the window between a client's metadata call and its download, where another
     * writer can change the object.
     */
    public void beforeNextMediaRead(Runnable action) {
        beforeNextMediaRead.set(action);
    }

    /**
     * Every request so far as {@code METHOD raw-path?raw-query [Content-Encoding]}, so a test can
     * check what the client really sent.
     */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * The largest request body of any upload so far, in bytes: with resumable uploads, at most
     * the client's chunk size, however large the object.
     */
    public long largestUploadRequest() {
        return largestUploadRequest.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static int compareUtf8(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())
                    + (encoding == null ? "" : " [" + encoding + "]"));
            try {
                if (injectedFailures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    drain(ex);
                    sendError(ex, injectedStatus, "backendError", "Injected failure");
                    return;
                }
                route(ex);
            } catch (BadRequest e) {
                sendError(ex, e.status, e.reason, e.getMessage());
            } catch (RuntimeException e) {
                sendError(ex, 500, "backendError", "Fake GCS server error: " + e);
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String rawPath = ex.getRequestURI().getRawPath();
        Map<String, String> query = parseQuery(ex.getRequestURI().getRawQuery());
        for (String param : query.keySet()) {
            if (!IGNORED_QUERY.contains(param)) {
                throw new BadRequest(400, "invalid", "FakeGcsJsonApiServer does not support query parameter " + param);
            }
        }
        String method = ex.getRequestMethod();
        List<String> segments = splitPath(rawPath);
        // /upload/storage/v1/b/{bucket}/o
        if (method.equals("POST") && segments.size() == 6 && segments.get(0).equals("upload")
                && segments.get(1).equals("storage") && segments.get(3).equals("b") && segments.get(5).equals("o")) {
            if ("resumable".equals(query.get("uploadType"))) {
                startResumable(ex, segments.get(4), query);
            } else {
                upload(ex, segments.get(4), query);
            }
            return;
        }
        if (method.equals("PUT") && segments.size() == 6 && segments.get(0).equals("upload")
                && query.containsKey("upload_id")) {
            continueResumable(ex, query.get("upload_id"));
            return;
        }
        int base = !segments.isEmpty() && segments.get(0).equals("download") ? 1 : 0;
        if (segments.size() < base + 2 || !segments.get(base).equals("storage") || !segments.get(base + 1).equals("v1")) {
            throw new BadRequest(501, "notImplemented", "FakeGcsJsonApiServer does not implement " + method + " " + rawPath);
        }
        List<String> rest = segments.subList(base + 2, segments.size());
        if (method.equals("POST") && rest.equals(List.of("b"))) {
            insertBucket(ex);
        } else if (method.equals("GET") && rest.size() == 3 && rest.get(0).equals("b") && rest.get(2).equals("o")) {
            list(ex, rest.get(1), query);
        } else if (rest.size() == 4 && rest.get(0).equals("b") && rest.get(2).equals("o")) {
            switch (method) {
                case "GET" -> getObject(ex, rest.get(1), rest.get(3), query);
                case "DELETE" -> deleteObject(ex, rest.get(1), rest.get(3), query);
                default -> throw new BadRequest(501, "notImplemented", "FakeGcsJsonApiServer does not implement " + method + " on objects");
            }
        } else {
            throw new BadRequest(501, "notImplemented", "FakeGcsJsonApiServer does not implement " + method + " " + rawPath);
        }
    }

    private void insertBucket(HttpExchange ex) throws IOException {
        JsonObject body = JsonParser.parseString(new String(readBody(ex), StandardCharsets.UTF_8)).getAsJsonObject();
        String name = body.get("name").getAsString();
        synchronized (this) {
            if (buckets.containsKey(name)) {
                throw new BadRequest(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
            }
            createBucket(name);
        }
        JsonObject bucket = new JsonObject();
        bucket.addProperty("kind", "storage#bucket");
        bucket.addProperty("id", name);
        bucket.addProperty("name", name);
        bucket.addProperty("metageneration", "1");
        sendJson(ex, 200, bucket);
    }

    private void upload(HttpExchange ex, String bucket, Map<String, String> query) throws IOException {
        String uploadType = query.getOrDefault("uploadType", "media");
        byte[] body = readBody(ex);
        largestUploadRequest.accumulateAndGet(body.length, Math::max);
        String name = query.get("name");
        JsonObject metadata = new JsonObject();
        byte[] data;
        switch (uploadType) {
            case "media" -> data = body;
            case "multipart" -> {
                List<byte[]> parts = multipartParts(ex.getRequestHeaders().getFirst("Content-Type"), body);
                if (parts.size() != 2) {
                    throw new BadRequest(400, "invalid", "multipart upload needs a metadata and a media part, got " + parts.size());
                }
                metadata = JsonParser.parseString(new String(partBody(parts.get(0)), StandardCharsets.UTF_8)).getAsJsonObject();
                data = partBody(parts.get(1));
                if (metadata.has("name")) {
                    name = metadata.get("name").getAsString();
                }
            }
            default -> throw new BadRequest(501, "notImplemented", "FakeGcsJsonApiServer does not implement uploadType=" + uploadType);
        }
        if (name == null || name.isEmpty()) {
            throw new BadRequest(400, "required", "Required: object name");
        }
        sendJson(ex, 200, resource(bucket, name, store(bucket, name, metadata, data,
                longParam(query, "ifGenerationMatch"))));
    }

    /** Writes an uploaded object, the precondition checked in the same atomic step. */
    private StoredBlob store(String bucket, String name, JsonObject metadata, byte[] data, Long generationMatch) {
        if (metadata.has("crc32c")) {
            String expected = metadata.get("crc32c").getAsString();
            String actual = crc32c(data);
            if (!expected.equals(actual)) {
                throw new BadRequest(400, "invalid", "Provided CRC32C \"" + expected + "\" doesn't match calculated CRC32C \"" + actual + "\".");
            }
        }
        String contentType = metadata.has("contentType") ? metadata.get("contentType").getAsString() : "application/octet-stream";
        synchronized (this) {
            NavigableMap<String, StoredBlob> objects = bucketOrThrow(bucket);
            requireGeneration(objects.get(name), generationMatch);
            lastGeneration = Math.max(lastGeneration + 1, Instant.now().toEpochMilli() * 1000);
            StoredBlob stored = new StoredBlob(data.clone(), lastGeneration, Instant.now(), contentType);
            objects.put(name, stored);
            return stored;
        }
    }

    private static void requireGeneration(StoredBlob current, Long generationMatch) {
        if (generationMatch != null && (current == null ? 0 : current.generation()) != generationMatch) {
            throw preconditionFailed();
        }
    }

    /**
     * {@code POST ...?uploadType=resumable}: the object's metadata in the body; answers an empty
     * 200 whose {@code Location} is the session URI, on the host the client asked (so a proxy in
     * between stays in between). A precondition that already fails is answered 412 here, and
     * checked again when the upload completes.
     */
    private void startResumable(HttpExchange ex, String bucket, Map<String, String> query) throws IOException {
        byte[] body = readBody(ex);
        JsonObject metadata = body.length == 0 ? new JsonObject()
                : JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        String name = metadata.has("name") ? metadata.get("name").getAsString() : query.get("name");
        if (name == null || name.isEmpty()) {
            throw new BadRequest(400, "required", "Required: object name");
        }
        Long generationMatch = longParam(query, "ifGenerationMatch");
        synchronized (this) {
            requireGeneration(bucketOrThrow(bucket).get(name), generationMatch);
        }
        String id = "session-" + nextSession.incrementAndGet();
        sessions.put(id, new UploadSession(bucket, name, metadata, generationMatch));
        String host = ex.getRequestHeaders().getFirst("Host");
        ex.getResponseHeaders().add("Location", "http://" + (host == null ? endpoint().substring(7) : host)
                + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
        send(ex, 200, null);
    }

    /**
     * {@code PUT} on a session URI with {@code Content-Range: bytes a-b/*} (a chunk; answered 308
     * with the {@code Range} received so far), {@code bytes a-b/total} (the last chunk; answered
     * 200 with the object) or {@code bytes *}{@code /total} / {@code bytes *}{@code /*} (no
     * data: completes, or asks how far the upload got). A chunk that starts before the received
     * end (a retry) has its overlap dropped; one that starts past it is refused.
     */
    private void continueResumable(HttpExchange ex, String id) throws IOException {
        UploadSession session = sessions.get(id);
        byte[] body = readBody(ex);
        largestUploadRequest.accumulateAndGet(body.length, Math::max);
        if (session == null) {
            throw new BadRequest(404, "notFound", "No such upload session: " + id);
        }
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        java.util.regex.Matcher m = range == null ? null
                : java.util.regex.Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)").matcher(range.trim());
        if (m == null || !m.matches()) {
            throw new BadRequest(400, "invalid", "resumable upload PUT needs Content-Range, got " + range);
        }
        long total = m.group(4).equals("*") ? -1 : Long.parseLong(m.group(4));
        synchronized (session) {
            long have = session.received.size();
            if (m.group(2) != null) {
                long first = Long.parseLong(m.group(2));
                long last = Long.parseLong(m.group(3));
                if (last - first + 1 != body.length || first > have) {
                    throw new BadRequest(400, "invalid", "chunk " + range + " of " + body.length + " bytes does not follow the "
                            + have + " bytes received");
                }
                int skip = (int) (have - first);
                session.received.write(body, Math.min(skip, body.length), Math.max(0, body.length - skip));
                have = session.received.size();
            }
            if (total < 0 || have < total) {
                if (have > 0) {
                    ex.getResponseHeaders().add("Range", "bytes=0-" + (have - 1));
                }
                send(ex, 308, null);
                return;
            }
            if (have != total) {
                throw new BadRequest(400, "invalid", "upload declared " + total + " bytes, received " + have);
            }
            StoredBlob stored = store(session.bucket, session.name, session.metadata, session.received.toByteArray(),
                    session.generationMatch);
            sessions.remove(id);
            sendJson(ex, 200, resource(session.bucket, session.name, stored));
        }
    }

    private void getObject(HttpExchange ex, String bucket, String name, Map<String, String> query) throws IOException {
        if ("media".equals(query.get("alt"))) {
            Runnable action = beforeNextMediaRead.getAndSet(null);
            if (action != null) {
                action.run();
            }
        }
        Long generationMatch = longParam(query, "ifGenerationMatch");
        Long generation = longParam(query, "generation");
        StoredBlob stored;
        synchronized (this) {
            stored = bucketOrThrow(bucket).get(name);
        }
        if (stored == null || (generation != null && generation != stored.generation())) {
            throw noSuchObject(bucket, name);
        }
        if (generationMatch != null && generationMatch != stored.generation()) {
            throw preconditionFailed();
        }
        if ("media".equals(query.get("alt"))) {
            ex.getResponseHeaders().add("Content-Type", stored.contentType());
            ex.getResponseHeaders().add("x-goog-generation", Long.toString(stored.generation()));
            ex.getResponseHeaders().add("x-goog-metageneration", "1");
            ex.getResponseHeaders().add("x-goog-stored-content-length", Integer.toString(stored.data().length));
            ex.getResponseHeaders().add("x-goog-stored-content-encoding", "identity");
            ex.getResponseHeaders().add("x-goog-hash", "crc32c=" + crc32c(stored.data()));
            ex.getResponseHeaders().add("x-goog-hash", "md5=" + md5(stored.data()));
            ex.getResponseHeaders().add("ETag", etag(stored));
            String range = ex.getRequestHeaders().getFirst("Range");
            java.util.regex.Matcher r = range == null ? null
                    : java.util.regex.Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range.trim());
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
            send(ex, 206, java.util.Arrays.copyOfRange(stored.data(), (int) from, (int) to + 1));
        } else {
            sendJson(ex, 200, resource(bucket, name, stored));
        }
    }

    private void deleteObject(HttpExchange ex, String bucket, String name, Map<String, String> query) throws IOException {
        Long generationMatch = longParam(query, "ifGenerationMatch");
        synchronized (this) {
            NavigableMap<String, StoredBlob> objects = bucketOrThrow(bucket);
            StoredBlob current = objects.get(name);
            if (current == null) {
                throw noSuchObject(bucket, name);
            }
            if (generationMatch != null && generationMatch != current.generation()) {
                throw preconditionFailed();
            }
            objects.remove(name);
        }
        send(ex, 204, null);
    }

    private void list(HttpExchange ex, String bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        Long requested = longParam(query, "maxResults");
        int pageSize = requested == null ? MAX_PAGE : (int) Math.max(1, Math.min(MAX_PAGE, requested));
        String after = query.containsKey("pageToken")
                ? new String(Base64.getUrlDecoder().decode(query.get("pageToken")), StandardCharsets.UTF_8)
                : null;
        List<Map.Entry<String, StoredBlob>> page = new ArrayList<>();
        boolean more = false;
        synchronized (this) {
            NavigableMap<String, StoredBlob> objects = bucketOrThrow(bucket);
            NavigableMap<String, StoredBlob> tail = after == null ? objects.tailMap(prefix, true) : objects.tailMap(after, false);
            for (Map.Entry<String, StoredBlob> e : tail.entrySet()) {
                // Names sharing a prefix are contiguous in byte order.
                if (!e.getKey().startsWith(prefix)) {
                    break;
                }
                if (page.size() == pageSize) {
                    more = true;
                    break;
                }
                page.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        JsonObject response = new JsonObject();
        response.addProperty("kind", "storage#objects");
        JsonArray items = new JsonArray();
        for (Map.Entry<String, StoredBlob> e : page) {
            items.add(resource(bucket, e.getKey(), e.getValue()));
        }
        if (!page.isEmpty()) {
            response.add("items", items);
        }
        if (more) {
            String last = page.get(page.size() - 1).getKey();
            response.addProperty("nextPageToken",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        sendJson(ex, 200, response);
    }

    private NavigableMap<String, StoredBlob> bucketOrThrow(String bucket) {
        NavigableMap<String, StoredBlob> objects = buckets.get(bucket);
        if (objects == null) {
            throw new BadRequest(404, "notFound", "The specified bucket does not exist.");
        }
        return objects;
    }

    private static BadRequest noSuchObject(String bucket, String name) {
        return new BadRequest(404, "notFound", "No such object: " + bucket + "/" + name);
    }

    private static BadRequest preconditionFailed() {
        return new BadRequest(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }

    private static JsonObject resource(String bucket, String name, StoredBlob blob) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "storage#object");
        o.addProperty("id", bucket + "/" + name + "/" + blob.generation());
        o.addProperty("name", name);
        o.addProperty("bucket", bucket);
        o.addProperty("generation", Long.toString(blob.generation()));
        o.addProperty("metageneration", "1");
        o.addProperty("contentType", blob.contentType());
        o.addProperty("storageClass", "STANDARD");
        o.addProperty("size", Integer.toString(blob.data().length));
        o.addProperty("md5Hash", md5(blob.data()));
        o.addProperty("crc32c", crc32c(blob.data()));
        o.addProperty("etag", etag(blob));
        o.addProperty("timeCreated", blob.updated().toString());
        o.addProperty("updated", blob.updated().toString());
        return o;
    }

    private static String etag(StoredBlob blob) {
        return Base64.getEncoder().withoutPadding()
                .encodeToString(ByteBuffer.allocate(8).putLong(blob.generation()).array());
    }

    private static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Long longParam(Map<String, String> query, String name) {
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
    private static List<String> splitPath(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                // '+' is literal in a path; only the query uses it for a space.
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
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

    private static byte[] readBody(HttpExchange ex) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
        try (InputStream in = gzip ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void drain(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
    }

    private static List<byte[]> multipartParts(String contentType, byte[] body) {
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
            parts.add(java.util.Arrays.copyOfRange(body, from, Math.max(from, to)));
            start = next;
        }
        return parts;
    }

    private static byte[] partBody(byte[] part) {
        byte[] separator = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(part, separator, 0);
        if (at < 0) {
            // A part with no headers starts with the blank line itself.
            if (part.length >= 2 && part[0] == '\r' && part[1] == '\n') {
                return java.util.Arrays.copyOfRange(part, 2, part.length);
            }
            throw new BadRequest(400, "invalid", "multipart part without header separator");
        }
        return java.util.Arrays.copyOfRange(part, at + separator.length, part.length);
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

    private static void sendError(HttpExchange ex, int status, String reason, String message) throws IOException {
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

    private static void sendJson(HttpExchange ex, int status, JsonObject body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        send(ex, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String reason;

        BadRequest(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }
}
