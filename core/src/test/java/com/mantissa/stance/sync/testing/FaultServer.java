package com.mantissa.stance.sync.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers every request with one scripted failure (a status with
 * an error body, or a dropped connection): the store misbehaving in the ways no emulator can be
 * told to, so that tests can prove how the real SDK's failures are classified.
 */
public final class FaultServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Fault fault = new Fault(500, Map.of(), "");
    private volatile String exceptPathSuffix;
    private volatile Fault exceptFault;

    private record Fault(int status, Map<String, String> headers, String body) {
    }

    public FaultServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback HTTP server", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on every request gets {@code status} with these headers and body. */
    public void answer(int status, Map<String, String> headers, String body) {
        fault = new Fault(status, headers, body);
        exceptPathSuffix = null;
    }

    /**
     * From now on, requests whose path ends with {@code pathSuffix} get this answer instead of
     * the one set by {@link #answer}; the next {@link #answer} or {@link #dropConnections} ends it.
     */
    public void answerPathsEndingWith(String pathSuffix, int status, Map<String, String> headers, String body) {
        exceptFault = new Fault(status, headers, body);
        exceptPathSuffix = pathSuffix;
    }

    /** From now on every connection is closed without a response. */
    public void dropConnections() {
        fault = null;
        exceptPathSuffix = null;
    }

    /** Requests served so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
        }
        Fault f = fault;
        String suffix = exceptPathSuffix;
        if (suffix != null && exchange.getRequestURI().getPath().endsWith(suffix)) {
            f = exceptFault;
        }
        if (f == null) {
            exchange.close();
            return;
        }
        byte[] bytes = f.body().getBytes(StandardCharsets.UTF_8);
        f.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(f.status(), head || bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
