package dev.photoqueue.upload.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.handler.GracefulHandler;

import java.time.Duration;

/**
 * The route table and the server settings: every path of the HTTP contract mapped to its
 * controller, the error mapping, the admin guard, the security headers, request timing, the page
 * from {@code /public} on the class path and the chart library's WebJar. An upload is answered
 * only once its body has been read, up to the size limit ({@link UploadBody}). {@code /openapi.json}
 * describes every route ({@link OpenApiDocument}): a route added here needs its description there.
 */
public final class HttpApi {

    /** Room for the multipart framing and the form fields around the largest file. */
    static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;
    private static final String STARTED = "photoqueue.started";
    private static final String EVENTS = "/api/events";
    static final int IN_MEMORY_PART_BYTES = 64 * 1024;
    /**
     * How long a stop waits for the requests in flight, having stopped taking new connections:
     * well within the 10 s a {@code docker stop} gives before SIGKILL, so the rest of the shutdown
     * (the workers' grace, the queue's clean close) still fits.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private HttpApi() {
    }

    /** The controllers the routes call. */
    public record Controllers(PhotoController photos, QueueController queue, AdminController admin,
                              HealthController health, EventStream events, ClusterController cluster) {
    }

    /**
     * A server, not yet started, with every route; uploads over {@code maxUploadBytes} get 413, with
     * {@code Connection: close} when their body is more than {@link #MULTIPART_OVERHEAD_BYTES} larger.
     */
    public static Javalin create(Controllers c, String adminToken, long maxUploadBytes, ObjectMapper json,
                                 MeterRegistry metrics) {
        AdminGuard guard = new AdminGuard(adminToken);
        RequestMeters requests = new RequestMeters(metrics);
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            // what Jetty refuses before any route (431, 414, a bad URI) answers JSON as the routes do
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler(json));
                // a stop (SIGTERM, docker stop) lets the requests in flight finish first: an upload
                // whose job was appended gets its 202 instead of a reset connection
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(STOP_GRACE.toMillis());
            });
            configureUploads(cfg, maxUploadBytes);
            cfg.http.prefer405over404 = true; // a known path with another method: 405 and Allow (ErrorMapping)
            cfg.staticFiles.add("/public", Location.CLASSPATH);
            cfg.staticFiles.enableWebjars();

            cfg.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                SecurityHeaders.apply(ctx);
                guard.check(ctx);
                refuseHeadOfEventStream(ctx);
            });
            // an upload's answer, an error above all, waits for its body: see UploadBody
            cfg.routes.after("/api/photos", ctx -> {
                if (ctx.method() == HandlerType.POST) {
                    UploadBody.readToEndBeforeAnswer(ctx, maxUploadBytes + MULTIPART_OVERHEAD_BYTES);
                }
            });
            cfg.routes.after(ctx -> time(ctx, requests));
            ErrorMapping.register(cfg.routes);

            cfg.routes.post("/api/photos", c.photos()::upload);
            getAndHead(cfg.routes, "/api/photos", c.photos()::list);
            getAndHead(cfg.routes, "/api/photos/{id}", c.photos()::get);
            getAndHead(cfg.routes, "/api/photos/{id}/journey", c.photos()::journey);
            getAndHead(cfg.routes, "/photos/{id}/{file}", c.photos()::variant);
            getAndHead(cfg.routes, "/photos/{id}/{version}/{file}", c.photos()::versionedVariant);
            cfg.routes.get(EVENTS, c.events()::open);

            getAndHead(cfg.routes, "/api/queue", c.queue()::queue);
            getAndHead(cfg.routes, "/api/cluster", c.cluster()::cluster);
            getAndHead(cfg.routes, "/api/dlq", c.queue()::deadLetters);
            cfg.routes.post("/api/dlq/redrive", c.queue()::redriveAll);
            cfg.routes.post("/api/dlq/{id}/redrive", c.queue()::redrive);

            getAndHead(cfg.routes, "/api/workers", c.admin()::workers);
            cfg.routes.put("/api/workers", c.admin()::resizeWorkers);
            cfg.routes.post("/api/workers/{id}/crash", c.admin()::crashWorker);
            getAndHead(cfg.routes, "/api/chaos", c.admin()::chaos);
            cfg.routes.put("/api/chaos", c.admin()::updateChaos);
            getAndHead(cfg.routes, "/api/stats", c.queue()::stats);
            getAndHead(cfg.routes, "/api/settings", c.admin()::settings);
            cfg.routes.put("/api/settings", c.admin()::updateSettings);
            cfg.routes.post("/api/replay", c.admin()::replay);

            getAndHead(cfg.routes, "/livez", c.health()::live);
            getAndHead(cfg.routes, "/readyz", c.health()::ready);
            getAndHead(cfg.routes, "/metrics", c.health()::metrics);
            getAndHead(cfg.routes, "/openapi.json", OpenApiDocument.load()::serve);
        });
    }

    /**
     * Registers {@code handler} for GET and for HEAD on {@code path}. Without a HEAD route Javalin
     * answers a HEAD of a GET route 200 with no body and never runs the route, so a HEAD /readyz
     * said ready while GET said 503, and a HEAD of an unknown photo said 200. With one, the GET
     * handler runs and Jetty sends its status and headers without the body (RFC 9110, 9.3.2).
     * The event stream has none: a HEAD must not open a stream.
     */
    private static void getAndHead(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }

    /**
     * {@code HEAD /api/events} is a 405 allowing GET, as any method a route does not take. Javalin
     * answers a HEAD of a GET route that has no HEAD route 200 {@code text/plain} without running
     * it, which would tell a client the stream exists in a form it does not; registering a HEAD
     * route instead would list HEAD in the {@code Allow} of every other 405 of the path.
     */
    private static void refuseHeadOfEventStream(Context ctx) {
        if (ctx.method() == HandlerType.HEAD && ctx.path().equals(EVENTS)) {
            ctx.header("Allow", "GET");
            throw new ApiException(405, "method_not_allowed", "HEAD is not allowed on " + EVENTS
                    + "; it answers GET (a HEAD must not open a stream)");
        }
    }

    /** How request bodies are taken: the size limits, and parts over 64 KiB spilled to disk. */
    static void configureUploads(JavalinConfig cfg, long maxUploadBytes) {
        cfg.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
        cfg.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + MULTIPART_OVERHEAD_BYTES, SizeUnit.BYTES);
        // a part larger than this goes to a temporary file as it arrives, so that concurrent
        // uploads of many megabytes never sit in the heap; the service streams it from there
        cfg.jetty.multipartConfig.maxInMemoryFileSize(IN_MEMORY_PART_BYTES, SizeUnit.BYTES);
        cfg.http.maxRequestSize = maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
    }

    private static void time(Context ctx, RequestMeters requests) {
        Long started = ctx.attribute(STARTED);
        if (started != null) {
            requests.record(ctx, System.nanoTime() - started);
        }
    }
}
