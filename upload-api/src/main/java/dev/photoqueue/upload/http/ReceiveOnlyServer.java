package dev.photoqueue.upload.http;

import io.javalin.Javalin;
import io.javalin.http.UploadedFile;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The floor under an upload's answer, for the benchmarks ({@code bench.jar upload}): a server taking
 * multipart uploads on {@code POST /api/photos} exactly as the app does (Javalin, the same Jetty
 * upload settings), that reads part {@code file} to its end and answers 202, storing and queueing
 * nothing. What an upload costs here, the app's 202 cannot beat.
 */
public final class ReceiveOnlyServer implements AutoCloseable {

    private final Javalin server;

    private ReceiveOnlyServer(Javalin server) {
        this.server = server;
    }

    /** Started on a free loopback port. */
    public static ReceiveOnlyServer start(long maxUploadBytes) {
        Javalin server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            HttpApi.configureUploads(cfg, maxUploadBytes);
            cfg.routes.post("/api/photos", ctx -> {
                List<UploadedFile> files = ctx.uploadedFiles("file");
                if (files.size() != 1) {
                    ctx.status(400).result("{\"error\":\"expected one part 'file'\"}");
                    return;
                }
                try (InputStream in = files.get(0).content()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                ctx.status(202).contentType("application/json").result("{}");
            });
        });
        server.start("127.0.0.1", 0);
        return new ReceiveOnlyServer(server);
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
