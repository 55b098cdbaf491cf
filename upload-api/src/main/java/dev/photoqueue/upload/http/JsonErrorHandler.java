package dev.photoqueue.upload.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * The server's answer to a request refused before it reaches a route (header fields or URI too
 * long, a malformed request line or URI): the {@code {error, detail}} JSON of every other error,
 * instead of Jetty's HTML page, whatever the method. Stateless: Jetty calls it from any thread.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final ObjectMapper json;

    JsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws JsonProcessingException {
        String reason = HttpStatus.getMessage(code);
        String why = message == null || message.equals(reason) ? cause == null ? null : cause.getMessage() : message;
        // Jetty's own words add nothing when they only repeat the status ("414: null")
        boolean adds = why != null && !why.contains(reason) && !why.equals(code + ": null");
        String detail = "the server refused the request before reading it: " + code + " " + reason
                + (adds ? " (" + why + ")" : "");
        byte[] body = json.writeValueAsBytes(new ErrorBody(error(code), detail));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The stable code of a status Jetty answers by itself, in the words the routes use where they share one. */
    static String error(int status) {
        return switch (status) {
            case 404 -> "not_found";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "version_not_supported";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }
}
