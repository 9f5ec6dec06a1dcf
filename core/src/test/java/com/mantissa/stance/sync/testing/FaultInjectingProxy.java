package com.mantissa.stance.sync.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test fake of a misbehaving network path: a plain HTTP/1.1 forwarding proxy on 127.0.0.1
 * that an SDK reaches through its standard endpoint setting ({@code AWS_ENDPOINT_URL_S3},
 * the connection string's {@code BlobEndpoint}) and that forwards to a storage emulator,
 * except for the requests its {@link Plan} picks, which it answers itself with a fault:
 * 503 SlowDown, 429, a connection reset before or after the emulator saw the request, or
 * added latency. The plan is a function of the request's sequence number, so a run injects
 * the same number of faults of each kind every time.
 *
 * <p>{@link #withLatency} adds the same delay to every request, as a store far away would:
 * real S3, GCS and Azure answer in 10–50 ms where an emulator on loopback answers in a few,
 * so a benchmark behind it measures what parallelism buys against a real store's round trip.
 *
 * <p>{@link #kill()} makes the store die from the client's point of view: every open
 * connection is reset and new ones are refused, while the emulator behind keeps its data, so
 * a test can {@link #restart()} and check that a re-run converges.
 *
 * <p>Requests are forwarded byte for byte (Host and signatures untouched); the proxy only
 * answers {@code Expect: 100-continue} itself and keeps client connections alive even when the
 * emulator closes its side after each response, as moto does.
 */
public final class FaultInjectingProxy implements Closeable {

    /** What the proxy does with one request. */
    public enum Fault {
        /** Forwarded untouched. */
        NONE,
        /** Answered {@code 503 SlowDown} (S3) / {@code ServerBusy} (Azure) without forwarding. */
        SLOW_DOWN_503,
        /** Answered {@code 429 Too Many Requests} without forwarding. */
        TOO_MANY_REQUESTS_429,
        /** The connection is reset before the request reaches the emulator. */
        RESET_BEFORE_FORWARD,
        /** Forwarded, so the emulator acts on it, then the connection is reset instead of answering. */
        RESET_AFTER_FORWARD,
        /** Forwarded after a pause of {@link FaultInjectingProxy#LATENCY}. */
        LATENCY
    }

    /** Added to a request that draws {@link Fault#LATENCY}. */
    public static final Duration LATENCY = Duration.ofMillis(250);

    /** Chooses the fault of the {@code number}-th request (1-based, in arrival order). */
    @FunctionalInterface
    public interface Plan {
        Fault faultFor(long number, String method, String target);
    }

    /** One request as the proxy saw it; {@code status} is what the client got, 0 for a reset. */
    public record Exchange(long number, String method, String target, Fault fault, int status) {
    }

    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final String upstreamHost;
    private final int upstreamPort;
    private final Plan plan;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong writesForwarded = new AtomicLong();
    private final int port;
    private volatile ServerSocket server;
    private volatile boolean dead;
    private volatile long killAfterWrites = Long.MAX_VALUE;
    private volatile long latencyNanos;

    private FaultInjectingProxy(URI upstream, Plan plan) {
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        this.plan = plan;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = bind(0);
        this.port = server.getLocalPort();
        listen(server);
    }

    /** A proxy on a free loopback port in front of {@code upstream} ({@code http://127.0.0.1:port}). */
    public static FaultInjectingProxy start(String upstream, Plan plan) {
        URI uri = URI.create(upstream);
        if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("upstream must be http://host:port, got " + upstream);
        }
        return new FaultInjectingProxy(uri, plan);
    }

    /** Forwards everything. */
    public static Plan noFaults() {
        return (number, method, target) -> Fault.NONE;
    }

    /**
     * Every {@code n}-th request draws the next fault of {@code rotation} (request n gets the
     * first, 2n the second, ...); all others are forwarded.
     */
    public static Plan everyNth(int n, List<Fault> rotation) {
        if (n < 1 || rotation.isEmpty()) {
            throw new IllegalArgumentException("n must be >= 1 and the rotation non-empty");
        }
        List<Fault> faults = List.copyOf(rotation);
        return (number, method, target) -> number % n == 0
                ? faults.get((int) ((number / n - 1) % faults.size()))
                : Fault.NONE;
    }

    /** {@code http://127.0.0.1:port}: what the SDK's endpoint setting should name. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Every request from now on is answered {@code perRequest} later than it would be: the
     * proxy waits that long after reading it, then forwards it (or answers its fault). Requests
     * wait in parallel, each on its own connection's thread. {@link Duration#ZERO} removes it.
     */
    public FaultInjectingProxy withLatency(Duration perRequest) {
        if (perRequest.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + perRequest);
        }
        this.latencyNanos = perRequest.toNanos();
        return this;
    }

    /** Dies (see {@link #kill()}) right after the {@code n}-th successful upload has been answered. */
    public FaultInjectingProxy killAfterWrites(long n) {
        this.killAfterWrites = n;
        return this;
    }

    /**
     * The store dies: the listening socket closes (new connections are refused) and every
     * open connection, to clients and to the emulator, is reset mid-flight.
     */
    public void kill() {
        dead = true;
        closeQuietly(server);
        for (Socket s : open) {
            reset(s);
        }
    }

    /** Listens again on the same port, forwarding as before (a kill trigger is not re-armed). */
    public synchronized void restart() {
        killAfterWrites = Long.MAX_VALUE;
        server = bind(port);
        dead = false;
        listen(server);
    }

    public boolean isDead() {
        return dead;
    }

    /** Every request seen so far, in arrival order. */
    public List<Exchange> exchanges() {
        List<Exchange> all = new ArrayList<>(exchanges);
        all.sort((a, b) -> Long.compare(a.number(), b.number()));
        return all;
    }

    /** Uploads (PUT, or POST for GCS) forwarded and answered 2xx by the emulator. */
    public long writesForwarded() {
        return writesForwarded.get();
    }

    /** How many requests drew each fault other than {@link Fault#NONE}. */
    public Map<Fault, Long> faultsInjected() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        for (Exchange e : exchanges) {
            if (e.fault() != Fault.NONE) {
                counts.merge(e.fault(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * Failed requests (a fault other than latency) that the client sent again later: the
     * retries the SDK or the engine made, as seen on the wire.
     */
    public long retriesSeen() {
        List<Exchange> all = exchanges();
        Map<String, Long> lastSeen = new HashMap<>();
        for (Exchange e : all) {
            lastSeen.put(e.method() + " " + e.target(), e.number());
        }
        long retried = 0;
        for (Exchange e : all) {
            if (e.fault() != Fault.NONE && e.fault() != Fault.LATENCY
                    && lastSeen.get(e.method() + " " + e.target()) > e.number()) {
                retried++;
            }
        }
        return retried;
    }

    @Override
    public void close() {
        kill();
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "fault-injecting proxy " + endpoint() + " -> http://" + upstreamHost + ":" + upstreamPort;
    }

    // ------------------------------------------------------------------ plumbing

    private static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void listen(ServerSocket socket) {
        threads.execute(() -> {
            while (!socket.isClosed()) {
                Socket client;
                try {
                    client = socket.accept();
                } catch (IOException closed) {
                    return;
                }
                if (dead) {
                    reset(client);
                    continue;
                }
                open.add(client);
                threads.execute(() -> serve(client));
            }
        });
    }

    /** One client connection: request after request until either side closes. */
    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = new java.io.BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (!dead) {
                Message request = Message.read(in, true, null);
                if (request == null) {
                    return;
                }
                if (request.expectsContinue) {
                    // Answered here so the client sends its body; the emulator never sees the header.
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    request.readBody(in);
                } else {
                    request.readBody(in);
                }
                long number = requests.incrementAndGet();
                long latency = latencyNanos;
                if (latency > 0) {
                    sleep(Duration.ofNanos(latency));
                }
                Fault fault = dead ? Fault.RESET_BEFORE_FORWARD : plan.faultFor(number, request.method, request.target);
                if (!handle(number, request, fault, client, out)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException connectionGone) {
            // A client that hung up or a kill(): nothing to answer any more.
        } finally {
            open.remove(client);
        }
    }

    /** Handles one request; false when the client connection is finished. */
    private boolean handle(long number, Message request, Fault fault, Socket client, OutputStream out)
            throws IOException {
        switch (fault) {
            case SLOW_DOWN_503 -> {
                out.write(faultResponse(request, 503, "Slow Down", "SlowDown", "ServerBusy",
                        "Please reduce your request rate."));
                out.flush();
                log(number, request, fault, 503);
                return true;
            }
            case TOO_MANY_REQUESTS_429 -> {
                out.write(faultResponse(request, 429, "Too Many Requests", "TooManyRequests", "ServerBusy",
                        "Too many requests."));
                out.flush();
                log(number, request, fault, 429);
                return true;
            }
            case RESET_BEFORE_FORWARD -> {
                log(number, request, fault, 0);
                reset(client);
                return false;
            }
            case LATENCY -> sleep(LATENCY);
            default -> { }
        }
        Message response = forward(request);
        if (fault == Fault.RESET_AFTER_FORWARD) {
            log(number, request, fault, 0);
            reset(client);
            return false;
        }
        if (dead) {
            log(number, request, Fault.RESET_BEFORE_FORWARD, 0);
            reset(client);
            return false;
        }
        out.write(response.head);
        out.write(response.body);
        out.flush();
        log(number, request, fault, response.status);
        // An upload is a PUT on S3 and Azure, a POST on GCS's JSON API.
        if ((request.method.equals("PUT") || request.method.equals("POST")) && response.status / 100 == 2
                && writesForwarded.incrementAndGet() >= killAfterWrites) {
            kill();
            return false;
        }
        return !response.closeAfter;
    }

    private void log(long number, Message request, Fault fault, int status) {
        exchanges.add(new Exchange(number, request.method, request.target, fault, status));
    }

    /** Sends the request to the emulator on a fresh connection and reads the whole answer. */
    private Message forward(Message request) throws IOException {
        try (Socket upstream = new Socket()) {
            open.add(upstream);
            try {
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
                upstream.setSoTimeout(60_000);
                OutputStream up = upstream.getOutputStream();
                // One write, so that a kill() cannot leave the emulator half a request.
                byte[] whole = new byte[request.head.length + request.body.length];
                System.arraycopy(request.head, 0, whole, 0, request.head.length);
                System.arraycopy(request.body, 0, whole, request.head.length, request.body.length);
                up.write(whole);
                up.flush();
                InputStream down = new java.io.BufferedInputStream(upstream.getInputStream());
                Message response;
                do {
                    response = Message.read(down, false, request.method);
                    if (response == null) {
                        throw new EOFException("the emulator closed the connection without answering");
                    }
                    response.readBody(down);
                } while (response.status / 100 == 1);
                return response;
            } finally {
                open.remove(upstream);
            }
        }
    }

    private static byte[] faultResponse(Message request, int status, String reason, String s3Code, String azureCode,
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

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // Closing below is all that is left to do.
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Tearing down: nothing useful to do with the failure.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One HTTP/1.1 request or response: its head as sent on the wire (possibly rewritten) and its body. */
    private static final class Message {
        final String method;
        final String target;
        final int status;
        final Map<String, String> headers;
        byte[] head;
        byte[] body = new byte[0];
        final boolean expectsContinue;
        boolean closeAfter;
        private final String requestMethod;

        private Message(String method, String target, int status, Map<String, String> headers, byte[] head,
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
        static Message read(InputStream in, boolean isRequest, String requestMethod) throws IOException {
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
                return new Message(first[0], first[1], 0, headers,
                        rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), expectsContinue,
                        null);
            }
            int status;
            try {
                status = Integer.parseInt(first[1]);
            } catch (NumberFormatException e) {
                throw new IOException("malformed HTTP status line: " + lines[0], e);
            }
            Message m = new Message(null, null, status, headers, null, false, requestMethod);
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
    }
}
