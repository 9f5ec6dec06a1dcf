package com.mantissa.stance.sync.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The AWS SDK's HTTP layer answered inside the process by a map of objects: what a function's
 * initialisation pushes through to load and compile the S3 request path (marshalling, signing,
 * checksums, response and error parsing) before a snapshot is taken, without a byte leaving the
 * process. It answers the calls a push makes the way S3 does: GET and HEAD (404 NoSuchKey when
 * absent), PUT with {@code If-None-Match: *} or {@code If-Match} (412 PreconditionFailed when
 * the condition does not hold), DELETE, and a ListObjectsV2 page. Objects are keyed by host and
 * path, so virtual-host and path-style addressing both work.
 */
public final class InProcessS3Transport implements SdkHttpClient {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final String LAST_MODIFIED = HTTP_DATE.format(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));

    private record Stored(byte[] content, String etag) {
    }

    private final Map<String, Stored> objects = new ConcurrentHashMap<>();

    /** The clients built over this transport; closed with it (a client never closes a transport it was given). */
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    /** How many requests it answered: what a test checks the priming actually went through the SDK. */
    private final AtomicInteger answered = new AtomicInteger();

    public int answered() {
        return answered.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                answered.incrementAndGet();
                return answer(request.httpRequest(), request.contentStreamProvider().map(p -> p.newStream()));
            }

            @Override
            public void abort() {
                // Answered synchronously: nothing is ever in flight.
            }
        };
    }

    private HttpExecuteResponse answer(SdkHttpRequest request, Optional<InputStream> body) throws IOException {
        String object = request.host() + request.encodedPath();
        Stored stored = objects.get(object);
        switch (request.method()) {
            case GET -> {
                if (request.rawQueryParameters().containsKey("list-type")) {
                    return response(200, "application/xml", listing(request), null);
                }
                return stored == null ? error(404, "NoSuchKey") : response(200, "application/octet-stream", stored.content, stored.etag);
            }
            case HEAD -> {
                if (stored == null) {
                    return response(request.encodedPath().length() <= 1 ? 200 : 404, null, new byte[0], null);
                }
                return HttpExecuteResponse.builder().response(SdkHttpResponse.builder().statusCode(200)
                        .putHeader("Content-Length", Integer.toString(stored.content.length))
                        .putHeader("ETag", stored.etag).putHeader("Last-Modified", LAST_MODIFIED).build()).build();
            }
            case PUT -> {
                Optional<String> ifNoneMatch = request.firstMatchingHeader("If-None-Match");
                Optional<String> ifMatch = request.firstMatchingHeader("If-Match");
                if (ifMatch.isPresent() && stored == null) {
                    return error(404, "NoSuchKey");
                }
                if (ifNoneMatch.isPresent() && stored != null || ifMatch.isPresent() && !stored.etag.equals(ifMatch.get())) {
                    return error(412, "PreconditionFailed");
                }
                byte[] content = decode(request, body.isPresent() ? body.get().readAllBytes() : new byte[0]);
                Stored written = new Stored(content, "\"" + md5(content) + "\"");
                objects.put(object, written);
                return response(200, null, new byte[0], written.etag);
            }
            case DELETE -> {
                objects.remove(object);
                return response(204, null, new byte[0], null);
            }
            default -> {
                return error(405, "MethodNotAllowed");
            }
        }
    }

    /** The keys under the request's prefix, in one page (the priming never stores more than a page). */
    private byte[] listing(SdkHttpRequest request) {
        String bucketPath = request.host() + request.encodedPath();
        String bucketRoot = bucketPath.endsWith("/") ? bucketPath : bucketPath + "/";
        List<String> prefixes = request.rawQueryParameters().getOrDefault("prefix", List.of(""));
        String prefix = prefixes.isEmpty() || prefixes.get(0) == null ? "" : prefixes.get(0);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult>"
                + "<IsTruncated>false</IsTruncated>");
        objects.entrySet().stream().filter(e -> e.getKey().startsWith(bucketRoot))
                .map(e -> Map.entry(e.getKey().substring(bucketRoot.length()), e.getValue()))
                .filter(e -> e.getKey().startsWith(prefix)).sorted(Map.Entry.comparingByKey())
                .forEach(e -> xml.append("<Contents><Key>").append(e.getKey()).append("</Key><Size>")
                        .append(e.getValue().content.length).append("</Size><ETag>").append(e.getValue().etag)
                        .append("</ETag></Contents>"));
        return xml.append("</ListBucketResult>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The object's bytes from the request body: the SDK sends a checksum trailer in the
     * {@code aws-chunked} encoding (size line, data, final empty chunk, trailer), as S3 reads it.
     */
    private static byte[] decode(SdkHttpRequest request, byte[] body) {
        boolean chunked = request.firstMatchingHeader("Content-Encoding").filter(e -> e.contains("aws-chunked")).isPresent()
                || request.firstMatchingHeader("x-amz-decoded-content-length").isPresent();
        if (!chunked) {
            return body;
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream(body.length);
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOfCrLf(body, at);
            String sizeLine = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break;
            }
            content.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return content.toByteArray();
    }

    private static int indexOfCrLf(byte[] body, int from) {
        for (int i = from; i + 1 < body.length; i++) {
            if (body[i] == '\r' && body[i + 1] == '\n') {
                return i;
            }
        }
        throw new UncheckedIOException(new IOException("aws-chunked body without a chunk size line"));
    }

    private static HttpExecuteResponse error(int status, String code) {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                + " (in-process priming store)</Message><RequestId>priming</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        return response(status, "application/xml", xml, null);
    }

    private static HttpExecuteResponse response(int status, String contentType, byte[] body, String etag) {
        SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(status)
                .putHeader("Content-Length", Integer.toString(body.length))
                .putHeader("x-amz-request-id", "priming");
        if (contentType != null) {
            response.putHeader("Content-Type", contentType);
        }
        if (etag != null) {
            response.putHeader("ETag", etag).putHeader("Last-Modified", LAST_MODIFIED);
        }
        return HttpExecuteResponse.builder().response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }

    @Override
    public String clientName() {
        return "InProcessS3";
    }

    /** Closes {@code client} when this transport is closed. */
    void closeWith(AutoCloseable client) {
        clients.add(client);
    }

    /** Closes the clients built over it (their timeout threads must not outlive the priming) and forgets every object. */
    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing an in-process S3 client", e);
            }
        }
        clients.clear();
        objects.clear();
    }
}
