package dev.photoqueue.upload.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;

/**
 * When an admin token is configured, the admin endpoints (changing workers, settings, replay,
 * redrive, chaos: every non-GET under {@code /api/workers}, {@code /api/settings}, {@code /api/replay},
 * {@code /api/chaos},
 * {@code /api/dlq}) require it as {@code Authorization: Bearer <token>}; else 401 with the
 * challenge {@code WWW-Authenticate: Bearer realm="photoqueue"} (RFC 6750), naming
 * {@code error="invalid_token"} when a token was given but is not the admin token. The scheme's name
 * is matched in any case, as HTTP authentication schemes are (RFC 9110). The comparison takes the
 * same time whatever the token. An {@code Authorization} header sent twice is a 400 naming it.
 * Without a token every endpoint is open (and the header is not read). Immutable.
 */
final class AdminGuard {

    private static final String SCHEME = "Bearer ";
    static final String CHALLENGE = "Bearer realm=\"photoqueue\"";
    private static final String[] ADMIN_PREFIXES = {"/api/workers", "/api/settings", "/api/replay", "/api/dlq",
        "/api/chaos"};

    private final byte[] token;

    AdminGuard(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    void check(Context ctx) {
        if (token == null || !isAdmin(ctx.method(), ctx.path())) {
            return;
        }
        String header = singleAuthorization(ctx);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            ctx.header("WWW-Authenticate", CHALLENGE);
            throw new ApiException(401, "unauthorized", ctx.method() + " " + ctx.path()
                    + " needs the admin token as 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            ctx.header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
            throw new ApiException(401, "unauthorized", "the bearer token is not the admin token");
        }
    }

    /**
     * The one {@code Authorization} header, or null. It is a singleton field (RFC 9110): sent twice
     * it is refused, as a query parameter sent twice is, not read as the first: two credentials in
     * one request are ambiguous, and which counts must not depend on the order of the lines. The
     * values are tokens, so the answer gives only how many came.
     */
    private static String singleAuthorization(Context ctx) {
        List<String> values = Collections.list(ctx.req().getHeaders("Authorization"));
        if (values.size() > 1) {
            throw ApiException.badRequest("Authorization must be sent once, came " + values.size() + " times");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    static boolean isAdmin(HandlerType method, String path) {
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) {
            return false;
        }
        for (String prefix : ADMIN_PREFIXES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}
