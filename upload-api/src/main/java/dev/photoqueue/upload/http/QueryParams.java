package dev.photoqueue.upload.http;

import io.javalin.http.Context;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Query parameters read the same way on every route: a bad value is a 400 naming it, and so is a
 * parameter sent more than once. Every parameter of the API takes one value; taking the first of
 * {@code ?limit=5&limit=10} would answer a question the client did not ask.
 *
 * <p>An integer parameter is written in plain decimal digits, without a sign, space or leading zero:
 * the way JSON writes an integer, which openapi.json's {@code type: integer} describes. Anything else
 * ({@code +5}, {@code " 5"}, {@code 05}, {@code 5.0}) is refused, not read as 5: a leading zero
 * means octal to some parsers, and in a query a {@code +} is a space, so a value read leniently may
 * not be the one the client meant.
 */
final class QueryParams {

    /** A whole number as JSON writes it, not negative: {@code 0}, or digits without a leading zero. */
    private static final Pattern PLAIN_DIGITS = Pattern.compile("0|[1-9][0-9]*");

    private QueryParams() {
    }

    /** {@code ?name=N}, a whole number in {@code [1, max]}, or {@code fallback} when absent. */
    static int limit(Context ctx, String name, int fallback, int max) {
        String raw = single(ctx, name);
        if (raw == null) {
            return fallback;
        }
        plainDigits(name, raw);
        // compared whole: a number too long for an int is out of range, not malformed
        BigInteger value = new BigInteger(raw);
        if (value.compareTo(BigInteger.ONE) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiException.badRequest(name + " must be between 1 and " + max + ", was " + value);
        }
        return value.intValueExact();
    }

    /**
     * {@code raw}, a part of the request named {@code what} (a query parameter, a path segment), as a
     * whole number that fits a long, under the rule {@link #limit} applies; 400 naming it otherwise.
     */
    static long wholeNumber(String what, String raw) {
        plainDigits(what, raw);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(what + " must be at most " + Long.MAX_VALUE + ", was " + raw);
        }
    }

    private static void plainDigits(String what, String raw) {
        if (!PLAIN_DIGITS.matcher(raw).matches()) {
            throw ApiException.badRequest(what + " must be a whole number in plain digits (no sign, space or "
                    + "leading zero), was '" + raw + "'");
        }
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
