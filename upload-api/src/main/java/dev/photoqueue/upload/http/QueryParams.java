package dev.photoqueue.upload.http;

import io.javalin.http.Context;

/** Query parameters read the same way on every route: a bad value is a 400 naming it. */
final class QueryParams {

    private QueryParams() {
    }

    /** {@code ?name=N}, a whole number in {@code [1, max]}, or {@code fallback} when absent. */
    static int limit(Context ctx, String name, int fallback, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + raw + "'");
        }
        if (value < 1 || value > max) {
            throw ApiException.badRequest(name + " must be between 1 and " + max + ", was " + value);
        }
        return value;
    }
}
