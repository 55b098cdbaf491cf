package dev.photoqueue.upload.http;

import io.javalin.http.Context;

/**
 * Headers on every answer: no MIME sniffing, and a content security policy that lets pages load
 * scripts, styles, images and connections from this origin only (thumbnails are same-origin; the
 * upload previews are {@code blob:} URLs), and never be framed.
 */
final class SecurityHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }
}
