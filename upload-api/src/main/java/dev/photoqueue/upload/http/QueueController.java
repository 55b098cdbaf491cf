package dev.photoqueue.upload.http;

import dev.photoqueue.upload.service.DeadLetterService;
import dev.photoqueue.upload.service.QueueService;
import io.javalin.http.Context;

import java.util.Map;

/** {@code GET /api/queue}, {@code GET /api/dlq} and the redrive endpoints, HTTP only. */
public final class QueueController {

    private final QueueService queue;
    private final DeadLetterService deadLetters;

    public QueueController(QueueService queue, DeadLetterService deadLetters) {
        this.queue = queue;
        this.deadLetters = deadLetters;
    }

    void queue(Context ctx) {
        ctx.json(queue.snapshot());
    }

    void deadLetters(Context ctx) {
        ctx.json(deadLetters.list());
    }

    void redrive(Context ctx) {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a dead letter id is its offset, a whole number; was '" + raw + "'");
        }
        if (!deadLetters.redrive(id)) {
            throw ApiException.notFound("no dead letter " + id + " waiting for a redrive");
        }
        ctx.json(Map.of("redriven", 1));
    }

    void redriveAll(Context ctx) {
        ctx.json(Map.of("redriven", deadLetters.redriveAll()));
    }
}
