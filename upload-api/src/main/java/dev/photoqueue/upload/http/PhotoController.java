package dev.photoqueue.upload.http;

import dev.photoqueue.upload.service.IdempotencyClaim;
import dev.photoqueue.upload.service.JourneyStep;
import dev.photoqueue.upload.service.PhotoService;
import dev.photoqueue.upload.service.PhotoStatus;
import dev.photoqueue.upload.service.PhotoView;
import dev.photoqueue.upload.service.UploadReceipt;
import dev.photoqueue.upload.service.UploadRequest;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The photo endpoints, HTTP only: {@code POST /api/photos} (async 202, {@code ?mode=sync} 201),
 * {@code GET /api/photos/{id}}, {@code GET /api/photos?limit=N}, {@code GET /photos/{id}/{variant}.jpg} (worker
 * version v1) and {@code GET /photos/{id}/{version}/{variant}.jpg}.
 * The part's declared type is ignored: the service decides the type from the bytes; its file name is
 * only a label ({@link UploadRequest}: at most 255 bytes in UTF-8, never a path).
 */
public final class PhotoController {

    static final int MAX_FIELD_CHARS = 100;
    static final int MAX_KEY_CHARS = 200;
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 500;

    private final PhotoService photos;

    public PhotoController(PhotoService photos) {
        this.photos = photos;
    }

    void upload(Context ctx) throws IOException {
        Instant received = Instant.now();
        boolean sync = mode(QueryParams.single(ctx, "mode"));
        if (!isFormData(ctx.contentType())) {
            throw ApiException.badRequest("expected a multipart/form-data body with the image in part 'file', got "
                    + (ctx.contentType() == null ? "no Content-Type" : "Content-Type " + ctx.contentType()));
        }
        String key = idempotencyKey(ctx);
        UploadReceipt receipt;
        // the key is held before the body is read: a repeat arriving while this body still streams in gets 409
        try (IdempotencyClaim claim = photos.claim(key, sync)) {
            List<UploadedFile> files = ctx.uploadedFiles("file");
            if (files.isEmpty()) {
                // a part named file without a filename is a form field (curl -F 'file=<photo.jpg'): say so
                throw ApiException.badRequest(ctx.formParam("file") != null
                        ? "part 'file' came as a form field: send the image as a file part, with a filename in its "
                                + "Content-Disposition (curl -F 'file=@photo.jpg')"
                        : "the multipart body has no file part named 'file'");
            }
            if (files.size() > 1) {
                throw ApiException.badRequest("one image per upload: part 'file' came " + files.size() + " times");
            }
            try (InputStream in = files.get(0).content()) {
                receipt = photos.upload(new UploadRequest(in, files.get(0).size(),
                        field(formField(ctx, "user"), "user", MAX_FIELD_CHARS),
                        field(formField(ctx, "city"), "city", MAX_FIELD_CHARS), key, sync, files.get(0).filename(),
                        received),
                        claim);
            }
        }
        // 201 only with the variants: a sync repeat of an async upload not yet done is accepted, not created
        boolean created = sync && !receipt.variants().isEmpty();
        Object body = created
                ? new Processed(receipt.id(), receipt.status(), receipt.partition(), receipt.offset(), receipt.variants())
                : new Accepted(receipt.id(), receipt.status(), receipt.partition(), receipt.offset());
        ctx.header("Location", "/api/photos/" + receipt.id());
        if (receipt.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(created ? 201 : 202).json(body);
    }

    /** The body of a 202 (async): the photo and where its job went. */
    record Accepted(String id, PhotoStatus status, int partition, long offset) {
    }

    /** The body of a 201 (sync): the photo, where its job went, and its variants. */
    record Processed(String id, PhotoStatus status, int partition, long offset, Map<String, String> variants) {
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        PhotoView photo = photos.photo(id).orElseThrow(() -> ApiException.notFound("no photo with id '" + id + "'"));
        ctx.json(photo);
    }

    /** {@code GET /api/photos/{id}/journey}: {@code {id, steps: [{at, what, ...}]}}, 404 for an unknown photo. */
    void journey(Context ctx) {
        String id = ctx.pathParam("id");
        List<JourneyStep> steps = photos.journey(id)
                .orElseThrow(() -> ApiException.notFound("no photo with id '" + id + "'"));
        ctx.json(new Journey(id, steps));
    }

    /** The body of {@code GET /api/photos/{id}/journey}. */
    record Journey(String id, List<JourneyStep> steps) {
    }

    void list(Context ctx) {
        ctx.json(photos.recent(QueryParams.limit(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT)));
    }

    /** The variant of worker version v1, whose files keep the layout from before versions. */
    void variant(Context ctx) {
        variant(ctx, PhotoService.UNVERSIONED);
    }

    void versionedVariant(Context ctx) {
        variant(ctx, ctx.pathParam("version"));
    }

    /** A variant's bytes never change at their URL (one URL per version's file), so browsers may keep them. */
    private void variant(Context ctx, String version) {
        String id = ctx.pathParam("id");
        String file = ctx.pathParam("file");
        if (!file.endsWith(".jpg")) {
            throw ApiException.notFound("variants are served as <name>.jpg, not '" + file + "'");
        }
        String variant = file.substring(0, file.length() - ".jpg".length());
        byte[] jpeg = photos.variant(id, version, variant).orElseThrow(() -> ApiException.notFound(
                "photo '" + id + "' has no variant '" + variant + "' of worker version '" + version + "'"));
        ctx.contentType("image/jpeg").header("Cache-Control", "public, max-age=3600").result(jpeg);
    }

    /**
     * Whether {@code contentType} is multipart/form-data, whatever its case and parameters. Javalin's
     * {@code isMultipart} takes any multipart type, and the parts of another one (multipart/mixed)
     * read as none at all, which would be answered as a missing part 'file'.
     */
    private static boolean isFormData(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.equalsIgnoreCase("multipart/form-data");
    }

    private static boolean mode(String mode) {
        if (mode == null || mode.equals("async")) {
            return false;
        }
        if (mode.equals("sync")) {
            return true;
        }
        throw ApiException.badRequest("mode must be async or sync, was '" + mode + "'");
    }

    /** The one {@code Idempotency-Key} header, or null; the draft allows it once a request. */
    private static String idempotencyKey(Context ctx) {
        List<String> keys = Collections.list(ctx.req().getHeaders("Idempotency-Key"));
        if (keys.size() > 1) {
            throw ApiException.badRequest("Idempotency-Key must be sent once, came " + keys.size() + " times: " + keys);
        }
        if (!keys.isEmpty() && keys.get(0).isBlank()) {
            // a client that sends the header means to be idempotent: ignoring an empty key would drop that silently
            throw ApiException.badRequest("Idempotency-Key must not be empty or blank, was '" + keys.get(0) + "'");
        }
        for (int i = 0; !keys.isEmpty() && i < keys.get(0).length(); i++) {
            // The draft makes the key a structured-field string: ASCII. Jetty reads a header's bytes
            // as ISO-8859-1, so each char here is one byte; a UTF-8 key would read as mojibake.
            char c = keys.get(0).charAt(i);
            if (c > 0x7E) {
                throw ApiException.badRequest(String.format("Idempotency-Key must be ASCII (a structured-field "
                        + "string); byte 0x%02X at %d is not: send a non-ASCII key encoded, as hex or base64", (int) c,
                        i));
            }
        }
        return field(keys.isEmpty() ? null : keys.get(0), "Idempotency-Key", MAX_KEY_CHARS);
    }

    /**
     * The one form field {@code name}, or null; sent twice it is refused, as the key is, not read as
     * the first; sent as a file part (a filename in its Content-Disposition, {@code curl -F user=@f})
     * it is refused too, not left out as if it were absent; and so is one whose bytes are no UTF-8.
     */
    private static String formField(Context ctx, String name) throws IOException {
        if (!ctx.uploadedFiles(name).isEmpty()) {
            throw ApiException.badRequest(name + " came as a file part: send it as a form field, without a filename "
                    + "(curl -F '" + name + "=value')");
        }
        List<String> values = ctx.formParams(name);
        if (values.size() > 1) {
            throw ApiException.badRequest(name + " must be sent once, came " + values.size() + " times");
        }
        return values.isEmpty() ? null : utf8(formPart(ctx, name), name);
    }

    /** The one form part (no filename) named {@code name}, as {@link #formField} found it. */
    private static Part formPart(Context ctx, String name) throws IOException {
        try {
            return ctx.req().getParts().stream()
                    .filter(p -> p.getName().equals(name) && p.getSubmittedFileName() == null)
                    .findFirst().orElseThrow(() -> new IllegalStateException("form field " + name
                            + " has a value but no part of that name"));
        } catch (ServletException e) {
            throw new IOException("the parts of the upload could not be read again for field " + name, e);
        }
    }

    /**
     * The part's bytes as UTF-8, the encoding of form fields; bytes that are no UTF-8 are refused
     * naming the field and the first such byte. The lenient decoding Jetty gives would keep
     * U+FFFD in their place: a name nobody sent, shown and counted as if it had been.
     */
    private static String utf8(Part part, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw ApiException.badRequest(String.format("%s must be UTF-8 text, has byte 0x%02X at %d that is not "
                    + "valid UTF-8", name, bytes[in.position()] & 0xFF, in.position()));
        }
        return out.flip().toString();
    }

    /**
     * {@code value} when it has at most {@code maxChars} characters, counted as openapi.json's
     * {@code maxLength} counts them (JSON Schema: code points), so 100 emoji fit where their 200
     * UTF-16 units would not.
     */
    private static String field(String value, String name, int maxChars) {
        int chars = value == null ? 0 : value.codePointCount(0, value.length());
        if (chars > maxChars) {
            throw ApiException.badRequest(name + " must be at most " + maxChars + " characters, was " + chars);
        }
        for (int i = 0; value != null && i < value.length(); i++) {
            // kept and shown as text (the page, the log lines, the stats): a line break or escape would forge them
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiException.badRequest(String.format("%s must not contain control characters, has U+%04X at %d",
                        name, (int) value.charAt(i), i));
            }
        }
        return value;
    }
}
