package dev.photoqueue.upload.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every route, the resource
 * {@value #RESOURCE} written by hand beside the code. A test compares it with the routes the server
 * registers, both ways, and checks real answers against its schemas, so it cannot drift from the
 * code unnoticed. Read once at start; immutable.
 */
final class OpenApiDocument {

    static final String RESOURCE = "/openapi.json";

    private final byte[] json;

    private OpenApiDocument(byte[] json) {
        this.json = json;
    }

    /** The document from the class path; {@link IllegalStateException} when it is missing. */
    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API description " + RESOURCE + " is not on the class path");
            }
            return new OpenApiDocument(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the API description " + RESOURCE + " failed", e);
        }
    }

    void serve(Context ctx) {
        ctx.contentType("application/json").result(json);
    }
}
