package dev.photoqueue.upload.http;

import dev.photoqueue.upload.service.DeadLetterService;
import dev.photoqueue.upload.service.QueueService;
import dev.photoqueue.upload.service.StatsService;
import io.javalin.http.Context;

import java.util.List;

/**
 * {@code GET /api/queue}, {@code GET /api/dlq}, the redrive endpoints and {@code GET /api/stats}
 * (photos per user counted by a non-idempotent and an idempotent consumer), HTTP only.
 */
public final class QueueController {

    private final QueueService queue;
    private final DeadLetterService deadLetters;
    private final StatsService stats;

    public QueueController(QueueService queue, DeadLetterService deadLetters, StatsService stats) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.stats = stats;
    }

    /** The users shown by default: a page has room for ten rows and a total. */
    static final int DEFAULT_STATS_USERS = 10;
    static final int MAX_STATS_USERS = 1000;

    void stats(Context ctx) {
        StatsService.Summary summary = stats.summary(
                QueryParams.limit(ctx, "limit", DEFAULT_STATS_USERS, MAX_STATS_USERS));
        ctx.json(new Stats(summary.group(), summary.top(), summary.users(),
                new Totals(summary.counted(), summary.distinct(), summary.redelivered(), summary.replayed())));
    }

    /** The body of {@code GET /api/stats}: the top users by events counted, how many users in all, the sums. */
    record Stats(String group, List<StatsService.UserCount> users, int userCount, Totals total) {
    }

    /** The two counts and where the extra events came from, summed over every user. */
    record Totals(long counted, long distinct, long redelivered, long replayed) {
    }

    void queue(Context ctx) {
        ctx.json(queue.snapshot());
    }

    void deadLetters(Context ctx) {
        ctx.json(deadLetters.list());
    }

    void redrive(Context ctx) {
        long id = QueryParams.wholeNumber("a dead letter's id (its offset)", ctx.pathParam("id"));
        if (!deadLetters.redrive(id)) {
            throw ApiException.notFound("no dead letter " + id + " waiting for a redrive");
        }
        ctx.json(new Redriven(1));
    }

    void redriveAll(Context ctx) {
        ctx.json(new Redriven(deadLetters.redriveAll()));
    }

    /** The body of the redrive endpoints: how many dead letters went back to their topic. */
    record Redriven(long redriven) {
    }
}
