package com.mantissa.stance.sync.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request or response as {@link FaultInjectingProxy} relays it: its head as sent
 * on the wire (possibly rewritten) and its body.
 */
final class HttpMessage {
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    final String method;
    final String target;
    final int status;
    final Map<String, String> headers;
    byte[] head;
    byte[] body = new byte[0];
    final boolean expectsContinue;
    boolean closeAfter;
    private final String requestMethod;

    private HttpMessage(String method, String target, int status, Map<String, String> headers, byte[] head,
                        boolean expectsContinue, String requestMethod) {
        this.method = method;
        this.target = target;
        this.status = status;
        this.headers = headers;
        this.head = head;
        this.expectsContinue = expectsContinue;
        this.requestMethod = requestMethod;
    }

    /** Reads a head; null on a clean end of stream before its first byte. */
    static HttpMessage read(InputStream in, boolean isRequest, String requestMethod) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (raw.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside an HTTP head");
            }
            raw.write(b);
            if (raw.size() > MAX_HEAD_BYTES) {
                throw new IOException("HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = raw.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] first = lines[0].split(" ", 3);
        if (first.length < 2) {
            throw new IOException("malformed HTTP start line: " + lines[0]);
        }
        Map<String, String> headers = new HashMap<>();
        StringBuilder rewritten = new StringBuilder(lines[0]).append("\r\n");
        boolean expectsContinue = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.put(name, value);
            if (isRequest && name.equals("expect") && value.equalsIgnoreCase("100-continue")) {
                expectsContinue = true;
                continue;
            }
            if (!isRequest && name.equals("connection")) {
                continue; // decided below, per the framing of the body
            }
            rewritten.append(line).append("\r\n");
        }
        if (isRequest) {
            return new HttpMessage(first[0], first[1], 0, headers,
                    rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), expectsContinue,
                    null);
        }
        int status;
        try {
            status = Integer.parseInt(first[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status line: " + lines[0], e);
        }
        HttpMessage m = new HttpMessage(null, null, status, headers, null, false, requestMethod);
        boolean framed = !m.hasBody() || headers.containsKey("content-length")
                || "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        m.closeAfter = !framed;
        if (!framed) {
            rewritten.append("Connection: close\r\n");
        }
        m.head = rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        return m;
    }

    private boolean hasBody() {
        if (method != null) {
            return headers.containsKey("content-length") || headers.containsKey("transfer-encoding");
        }
        return !"HEAD".equals(requestMethod) && status / 100 != 1 && status != 204 && status != 304;
    }

    void readBody(InputStream in) throws IOException {
        if (!hasBody()) {
            return;
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            if (body.length < Integer.parseInt(headers.get("content-length"))) {
                throw new EOFException("body shorter than its Content-Length");
            }
        } else {
            body = in.readAllBytes();
        }
    }

    /** The chunked body as sent, framing included (it is forwarded verbatim). */
    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, all);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in, all).isEmpty()) {
                    // trailers, kept verbatim
                }
                return all.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            if (data.length < size) {
                throw new EOFException("chunk shorter than announced");
            }
            all.write(data);
            readLine(in, all);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a chunked body");
            }
            copy.write(b);
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
    }

    /** The answer the proxy gives instead of the store's: an S3- and Azure-style error. */
    static byte[] fault(HttpMessage request, int status, String reason, String s3Code, String azureCode,
                        String message) {
        String body = request.method.equals("HEAD") ? "" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + s3Code + "</Code><Message>" + message + "</Message><RequestId>fault-injecting-proxy</RequestId></Error>";
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "x-ms-error-code: " + azureCode + "\r\n"
                + "x-amz-request-id: fault-injecting-proxy\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
        return (head + body).getBytes(StandardCharsets.UTF_8);
    }
}
