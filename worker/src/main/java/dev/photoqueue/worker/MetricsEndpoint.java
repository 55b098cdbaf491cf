package dev.photoqueue.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.photoqueue.worker.metrics.JvmMeters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} of a worker process: the registry's Prometheus text, with the JVM's own
 * meters ({@link JvmMeters}) and the decode budget's ({@link DecodeBudgetMeters}) bound to it
 * while it serves, on a port of its own (the JDK's HTTP server, one daemon thread: a scrape every
 * few seconds needs no more). Any other path is 404, any other method 405. Thread-safe.
 */
final class MetricsEndpoint implements AutoCloseable {

    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "worker-metrics");
        t.setDaemon(true);
        return t;
    });
    /** Closed with the endpoint: unhooks the JVM meters' garbage-collection listener. */
    private final AutoCloseable jvm;

    private MetricsEndpoint(HttpServer server, AutoCloseable jvm) {
        this.server = server;
        this.jvm = jvm;
    }

    /**
     * Serves {@code registry} on every interface at {@code port} (0: a free one, see {@link #port});
     * {@link UncheckedIOException} naming the port when it cannot be bound, before any meter is bound.
     */
    static MetricsEndpoint start(int port, PrometheusMeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("METRICS_PORT " + port + " cannot be bound: " + e.getMessage(), e);
        }
        MetricsEndpoint endpoint;
        try {
            endpoint = new MetricsEndpoint(server, JvmMeters.bindTo(registry));
            DecodeBudgetMeters.bindTo(registry);
        } catch (RuntimeException e) {
            server.stop(0); // the socket is bound already: release the port
            throw e;
        }
        server.createContext("/", exchange -> endpoint.answer(exchange, registry));
        server.setExecutor(endpoint.thread);
        server.start();
        return endpoint;
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: only " + PATH + " is served here\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "text/plain; charset=utf-8", exchange.getRequestMethod() + " " + PATH
                        + " is not allowed: GET only\n");
            } else {
                send(exchange, 200, CONTENT_TYPE, registry.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
        WorkerPool.closeQuietly(jvm);
    }
}
