package com.mantissa.stance.sync.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (version 2018-06-01) on loopback, as the Lambda service serves it to a
 * runtime: {@code GET /runtime/invocation/next} hands out the queued events one at a time
 * (long-polling like the service does), {@code POST /runtime/invocation/{id}/response} and
 * {@code …/error} complete them, {@code POST /runtime/init/error} reports a failed start.
 * Documented at https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
 */
final class RuntimeApiServer implements AutoCloseable {

    static final String PREFIX = "/2018-06-01/runtime";

    /** What the runtime posted for one invocation. */
    record Outcome(String kind, String body, Map<String, String> headers) {
        boolean isResponse() {
            return kind.equals("response");
        }
    }

    private record Pending(String requestId, byte[] event, String functionArn) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();

    RuntimeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}: the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Queues {@code event} for the runtime; the future completes when it posts the result. */
    CompletableFuture<Outcome> invoke(byte[] event, String functionArn) {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(requestId, outcome);
        queue.add(new Pending(requestId, event, functionArn));
        return outcome;
    }

    /** Completes when the runtime reports an initialisation error, with its body. */
    CompletableFuture<String> initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals(PREFIX + "/invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals(PREFIX + "/init/error")) {
                initError.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else if (method.equals("POST") && path.startsWith(PREFIX + "/invocation/")) {
                String[] parts = path.substring((PREFIX + "/invocation/").length()).split("/");
                CompletableFuture<Outcome> outcome = parts.length == 2 ? outcomes.remove(parts[0]) : null;
                if (outcome == null || !(parts[1].equals("response") || parts[1].equals("error"))) {
                    reply(exchange, 400, "{\"errorMessage\":\"unknown request\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                Map<String, String> headers = new ConcurrentHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
                outcome.complete(new Outcome(parts[1],
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), headers));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                reply(exchange, 404, new byte[0]);
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Pending pending;
        try {
            // The service holds the request until there is an event; so do we (the runtime's
            // client has no read timeout). The test stops the runtime once it has its results.
            pending = queue.poll(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (pending == null) {
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", pending.requestId());
        exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 300_000));
        exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", pending.functionArn());
        exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id",
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        reply(exchange, 200, pending.event());
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
