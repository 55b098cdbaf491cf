package dev.photoqueue.upload.http;

import dev.photoqueue.upload.service.InvalidValueException;
import dev.photoqueue.upload.service.NotFoundException;
import dev.photoqueue.upload.service.ReplayService;
import dev.photoqueue.upload.service.SettingsFile;
import dev.photoqueue.upload.service.UploadRejectedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Turns every failure into a JSON {@code {error, detail}} answer with the right status, by its
 * type: the services' {@link NotFoundException} is a 404, {@link InvalidValueException} a 400,
 * {@link ReplayService.GroupBusyException} a 409, {@link UploadRejectedException} as its reason
 * says; controllers refuse with an {@link ApiException} that carries its status. Multipart
 * bodies over the size limit reach here as a {@link ServletException} (or an
 * {@link IllegalStateException}) whose cause chain speaks of the size: 413; any other broken
 * multipart body is a malformed request: 400. Both say {@code Connection: close}. A method a
 * path has no route for is a 405 naming those it has, in {@code Allow}. Anything
 * unforeseen is a 500 and is logged.
 */
final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, safe((e, ctx) -> answer(ctx, e.status(), e.error(), e.getMessage())));
        routes.exception(UploadRejectedException.class, safe(ErrorMapping::rejected));
        routes.exception(NotFoundException.class, safe((e, ctx) -> answer(ctx, 404, "not_found", e.getMessage())));
        routes.exception(InvalidValueException.class, safe((e, ctx) -> answer(ctx, 400, "bad_request",
                e.getMessage())));
        routes.exception(SettingsFile.SettingsNotSavedException.class, safe((e, ctx) -> answer(ctx, 503,
                "settings_not_saved", e.getMessage())));
        routes.exception(ReplayService.GroupBusyException.class, safe((e, ctx) -> answer(ctx, 409, "conflict",
                e.getMessage())));
        routes.exception(MethodNotAllowedResponse.class, safe(ErrorMapping::methodNotAllowed));
        routes.exception(HttpResponseException.class, safe((e, ctx) ->
                answer(ctx, e.getStatus(), e.getStatus() == 404 ? "not_found" : "bad_request", e.getMessage())));
        routes.exception(ServletException.class, safe(ErrorMapping::multipart));
        routes.exception(IllegalStateException.class, safe((e, ctx) -> {
            if (sizeExceeded(e)) {
                multipart(e, ctx);
            } else {
                internal(e, ctx);
            }
        }));
        routes.exception(Exception.class, safe(ErrorMapping::internal));
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                answer(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
            }
        });
    }

    /**
     * Runs {@code handler} only while the response can still be written. A request that already
     * ended (an event stream cut off when the server stops, a client gone) has nothing left to
     * answer, and touching it would only throw again.
     */
    private static <E extends Exception> ExceptionHandler<E> safe(ExceptionHandler<E> handler) {
        return (e, ctx) -> {
            boolean open;
            try {
                open = !ctx.res().isCommitted() && ctx.path() != null;
            } catch (RuntimeException gone) {
                open = false;
            }
            if (open) {
                handler.handle(e, ctx);
            } else {
                LOG.debug("after its response ended, a request failed with {}", e.toString());
            }
        };
    }

    static void answer(Context ctx, int status, String error, String detail) {
        ctx.status(status).json(new ErrorBody(error, detail));
    }

    /**
     * A method the path has no route for, where it has routes for others (RFC 9110, 15.5.6): 405
     * with the {@code Allow} header listing them, rather than a 404 that says the path is unknown.
     */
    private static void methodNotAllowed(MethodNotAllowedResponse e, Context ctx) {
        String allowed = e.getDetails().values().stream().findFirst().orElse("");
        ctx.header("Allow", allowed);
        answer(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path() + "; it answers "
                + allowed);
    }

    private static void rejected(UploadRejectedException e, Context ctx) {
        int status = switch (e.reason()) {
            case TOO_LARGE -> 413;
            case UNSUPPORTED_TYPE -> 415;
            case TOO_MANY_PIXELS, CORRUPT_IMAGE, IDEMPOTENCY_KEY_REUSED -> 422;
            case IDEMPOTENCY_KEY_IN_USE -> 409;
            case BACKLOG_FULL, QUEUE_UNAVAILABLE, SYNC_BUSY, OUTCOME_UNKNOWN -> 503;
            case STORAGE_FULL -> 507;
        };
        if (e.photoId() != null) {
            // where the photo shows up if the queue wrote its job after all
            ctx.header("Location", "/api/photos/" + e.photoId());
        }
        if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        answer(ctx, status, e.reason().name().toLowerCase(Locale.ROOT), e.getMessage());
    }

    private static void multipart(Exception e, Context ctx) {
        // Jetty (12.1) does not keep a connection whose multipart body failed to parse, whatever was
        // read of it; the answer says so, and the rest of the body is still read first (UploadBody)
        ctx.header("Connection", "close");
        if (sizeExceeded(e)) {
            answer(ctx, 413, "too_large", "the upload is larger than the limit: " + rootMessage(e));
        } else {
            answer(ctx, 400, "bad_request", "the multipart body cannot be read: " + rootMessage(e));
        }
    }

    private static void internal(Exception e, Context ctx) {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        answer(ctx, 500, "internal", e.toString());
    }

    private static boolean sizeExceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            // Jetty's words for a whole body past maxTotalRequestSize ("max length exceeded: N");
            // "headers max length exceeded" is a part's header block, a malformed request
            if (m.startsWith("max length exceeded") || m.contains("max file size") || m.contains("max request size")
                    || m.contains("exceeds") || m.contains("too large") || (m.contains("size") && m.contains("exceed"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
