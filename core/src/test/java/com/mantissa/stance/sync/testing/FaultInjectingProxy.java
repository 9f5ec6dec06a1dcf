package com.mantissa.stance.sync.testing;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
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
        this.server = ProxySockets.bind(0);
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
        ProxySockets.closeQuietly(server);
        for (Socket s : open) {
            ProxySockets.reset(s);
        }
    }

    /** Listens again on the same port, forwarding as before (a kill trigger is not re-armed). */
    public synchronized void restart() {
        killAfterWrites = Long.MAX_VALUE;
        server = ProxySockets.bind(port);
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
                    ProxySockets.reset(client);
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
                HttpMessage request = HttpMessage.read(in, true, null);
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
    private boolean handle(long number, HttpMessage request, Fault fault, Socket client, OutputStream out)
            throws IOException {
        switch (fault) {
            case SLOW_DOWN_503 -> {
                out.write(HttpMessage.fault(request, 503, "Slow Down", "SlowDown", "ServerBusy",
                        "Please reduce your request rate."));
                out.flush();
                log(number, request, fault, 503);
                return true;
            }
            case TOO_MANY_REQUESTS_429 -> {
                out.write(HttpMessage.fault(request, 429, "Too Many Requests", "TooManyRequests", "ServerBusy",
                        "Too many requests."));
                out.flush();
                log(number, request, fault, 429);
                return true;
            }
            case RESET_BEFORE_FORWARD -> {
                log(number, request, fault, 0);
                ProxySockets.reset(client);
                return false;
            }
            case LATENCY -> sleep(LATENCY);
            default -> { }
        }
        HttpMessage response = forward(request);
        if (fault == Fault.RESET_AFTER_FORWARD) {
            log(number, request, fault, 0);
            ProxySockets.reset(client);
            return false;
        }
        if (dead) {
            log(number, request, Fault.RESET_BEFORE_FORWARD, 0);
            ProxySockets.reset(client);
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

    private void log(long number, HttpMessage request, Fault fault, int status) {
        exchanges.add(new Exchange(number, request.method, request.target, fault, status));
    }

    /** Sends the request to the emulator on a fresh connection and reads the whole answer. */
    private HttpMessage forward(HttpMessage request) throws IOException {
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
                HttpMessage response;
                do {
                    response = HttpMessage.read(down, false, request.method);
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
