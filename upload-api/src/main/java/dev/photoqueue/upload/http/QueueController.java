package dev.photoqueue.upload.http;

import dev.photoqueue.upload.service.DeadLetterService;
import dev.photoqueue.upload.service.QueueService;
import dev.photoqueue.worker.PhotoStats;
import io.javalin.http.Context;

import java.util.Map;

/**
 * {@code GET /api/queue}, {@code GET /api/dlq}, the redrive endpoints and {@code GET /api/stats}
 * (photos per user counted by a non-idempotent and an idempotent consumer), HTTP only.
 */
public final class QueueController {

    private final QueueService queue;
    private final DeadLetterService deadLetters;
    private final PhotoStats stats;

    public QueueController(QueueService queue, DeadLetterService deadLetters, PhotoStats stats) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.stats = stats;
    }

    void stats(Context ctx) {
        ctx.json(Map.of("group", PhotoStats.GROUP, "users", stats.snapshot()));
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
