package dev.photoqueue.upload.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what is left of an upload's body before its answer goes out, up to the largest body an
 * upload may have; past that the answer says {@code Connection: close} and the rest is not read.
 * Stateless.
 *
 * <p>Why: an upload can be refused before its body is read (a bad {@code mode}, a body that is not
 * multipart). Jetty, completing such an answer, consumes only the content that has already
 * arrived; when more is due it closes the connection, and a client still sending its body sees a
 * broken pipe or a reset instead of the answer. Read to its end, the body leaves the connection
 * clean: the client gets the answer and may send its next request on it.
 */
final class UploadBody {

    private static final Logger LOG = LoggerFactory.getLogger(UploadBody.class);
    private static final int BUFFER_BYTES = 16 * 1024;

    private UploadBody() {
    }

    /**
     * Reads the rest of the body while the whole body stays within {@code maxBodyBytes}; marks the
     * answer {@code Connection: close} when the body is, or is declared, larger, or cannot be read.
     */
    static void readToEndBeforeAnswer(Context ctx, long maxBodyBytes) {
        HttpServletRequest req = ctx.req();
        long declared = req.getContentLengthLong();
        if (declared > maxBodyBytes) {
            closeAfterAnswer(ctx, "it declares " + declared + " bytes, the limit is " + maxBodyBytes);
            return;
        }
        long budget = maxBodyBytes - alreadyRead(req);
        byte[] buffer = new byte[BUFFER_BYTES];
        long read = 0;
        try {
            InputStream in = req.getInputStream();
            while (read <= budget) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                read += n;
            }
            closeAfterAnswer(ctx, "its body is larger than the limit of " + maxBodyBytes + " bytes");
        } catch (IOException e) {
            // a client gone, or a body that broke off: the connection cannot carry another request
            closeAfterAnswer(ctx, "its body could not be read to its end: " + e);
        }
    }

    /** Body bytes Jetty has read so far (the multipart parser's included); 0 when it cannot say. */
    private static long alreadyRead(HttpServletRequest req) {
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(req);
        return jetty == null ? 0 : Math.max(0, Request.getContentBytesRead(jetty));
    }

    private static void closeAfterAnswer(Context ctx, String why) {
        LOG.debug("{} {}: answered with Connection: close, {}", ctx.method(), ctx.path(), why);
        ctx.header("Connection", "close");
    }
}
