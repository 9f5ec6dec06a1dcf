package com.mantissa.stance.sync.testing;

import static com.mantissa.stance.sync.testing.FakeGcsHttp.drain;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.longParam;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.multipartParts;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.parseQuery;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.partBody;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.readBody;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.send;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.sendError;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.sendJson;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.sendMedia;
import static com.mantissa.stance.sync.testing.FakeGcsHttp.splitPath;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.mantissa.stance.sync.testing.FakeGcsHttp.BadRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
 * {@link #failNextRequests}). The objects and GCS's generation rules are in
 * {@link FakeGcsBuckets}; reading requests and writing answers in {@link FakeGcsHttp}.
 */
public final class FakeGcsJsonApiServer implements AutoCloseable {

    private static final int MAX_PAGE = 1000;
    private static final Set<String> IGNORED_QUERY = Set.of(
            "alt", "uploadType", "name", "prefix", "pageToken", "maxResults", "fields", "projection",
            "prettyPrint", "userProject", "generation", "ifGenerationMatch", "project", "upload_id");

    /** A resumable upload under way: where it goes, its precondition, and the bytes received so far. */
    private record UploadSession(String bucket, String name, JsonObject metadata, Long generationMatch,
                                 ByteArrayOutputStream received) {
    }

    private final Map<String, UploadSession> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger nextSession = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong largestUploadRequest = new java.util.concurrent.atomic.AtomicLong();

    private final HttpServer server;
    private final ExecutorService executor;
    private final FakeGcsBuckets buckets = new FakeGcsBuckets();
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

    public void createBucket(String bucket) {
        buckets.create(bucket);
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
        if (!buckets.create(name)) {
            throw new BadRequest(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
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
        sendJson(ex, 200, buckets.store(bucket, name, metadata, data, longParam(query, "ifGenerationMatch"))
                .resource(bucket, name));
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
        buckets.requireGeneration(bucket, name, generationMatch);
        String id = "session-" + nextSession.incrementAndGet();
        sessions.put(id, new UploadSession(bucket, name, metadata, generationMatch, new ByteArrayOutputStream()));
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
            long have = session.received().size();
            if (m.group(2) != null) {
                long first = Long.parseLong(m.group(2));
                long last = Long.parseLong(m.group(3));
                if (last - first + 1 != body.length || first > have) {
                    throw new BadRequest(400, "invalid", "chunk " + range + " of " + body.length + " bytes does not follow the "
                            + have + " bytes received");
                }
                int skip = (int) (have - first);
                session.received().write(body, Math.min(skip, body.length), Math.max(0, body.length - skip));
                have = session.received().size();
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
            FakeGcsBuckets.Blob stored = buckets.store(session.bucket(), session.name(), session.metadata(),
                    session.received().toByteArray(), session.generationMatch());
            sessions.remove(id);
            sendJson(ex, 200, stored.resource(session.bucket(), session.name()));
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
        FakeGcsBuckets.Blob stored = buckets.get(bucket, name);
        if (generation != null && generation != stored.generation()) {
            throw FakeGcsBuckets.noSuchObject(bucket, name);
        }
        if (generationMatch != null && generationMatch != stored.generation()) {
            throw FakeGcsBuckets.preconditionFailed();
        }
        if ("media".equals(query.get("alt"))) {
            sendMedia(ex, stored);
        } else {
            sendJson(ex, 200, stored.resource(bucket, name));
        }
    }

    private void deleteObject(HttpExchange ex, String bucket, String name, Map<String, String> query) throws IOException {
        buckets.delete(bucket, name, longParam(query, "ifGenerationMatch"));
        send(ex, 204, null);
    }

    private void list(HttpExchange ex, String bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        Long requested = longParam(query, "maxResults");
        int pageSize = requested == null ? MAX_PAGE : (int) Math.max(1, Math.min(MAX_PAGE, requested));
        String after = query.containsKey("pageToken")
                ? new String(Base64.getUrlDecoder().decode(query.get("pageToken")), StandardCharsets.UTF_8)
                : null;
        FakeGcsBuckets.Page page = buckets.list(bucket, prefix, after, pageSize);
        JsonObject response = new JsonObject();
        response.addProperty("kind", "storage#objects");
        JsonArray items = new JsonArray();
        for (Map.Entry<String, FakeGcsBuckets.Blob> e : page.items()) {
            items.add(e.getValue().resource(bucket, e.getKey()));
        }
        if (!page.items().isEmpty()) {
            response.add("items", items);
        }
        if (page.more()) {
            String last = page.items().get(page.items().size() - 1).getKey();
            response.addProperty("nextPageToken",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        sendJson(ex, 200, response);
    }
}
