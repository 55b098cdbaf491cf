package dev.photoqueue.upload.http;

import io.javalin.http.Context;

import java.math.BigInteger;
import java.util.List;

/**
 * Query parameters read the same way on every route: a bad value is a 400 naming it, and so is a
 * parameter sent more than once. Every parameter of the API takes one value; taking the first of
 * {@code ?limit=5&limit=10} would answer a question the client did not ask.
 */
final class QueryParams {

    private QueryParams() {
    }

    /** {@code ?name=N}, a whole number in {@code [1, max]}, or {@code fallback} when absent. */
    static int limit(Context ctx, String name, int fallback, int max) {
        String raw = single(ctx, name);
        if (raw == null) {
            return fallback;
        }
        String trimmed = raw.trim();
        if (!trimmed.matches("[+-]?[0-9]+")) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + raw + "'");
        }
        // compared whole: a number too long for an int is out of range, not malformed
        BigInteger value = new BigInteger(trimmed);
        if (value.compareTo(BigInteger.ONE) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiException.badRequest(name + " must be between 1 and " + max + ", was " + value);
        }
        return value.intValueExact();
    }

    /** The one value of {@code ?name=}, or null when absent; sent more than once it is refused. */
    static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw ApiException.badRequest(name + " must be sent once, came " + values.size() + " times: " + values);
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
