package dev.photoqueue.upload.service;

import dev.photoqueue.worker.PhotoStats;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The photos per user counted by the {@value PhotoStats#GROUP} group, which reads every event
 * twice over: once counting each event (as a non-idempotent consumer does), once counting each
 * photo (as an idempotent one does). Thread-safe (the counts are).
 */
public final class StatsService {

    private final PhotoStats stats;

    public StatsService(PhotoStats stats) {
        this.stats = stats;
    }

    /**
     * One user's counts, and where the events counted beyond the distinct photos came from:
     * {@code redelivered + replayed == counted - distinct}.
     */
    public record UserCount(String userId, long counted, long distinct, long redelivered, long replayed) {
    }

    /**
     * The {@code top} users by events counted (most first, ties by user id), how many users in
     * all, and the sums over every user.
     */
    public record Summary(String group, List<UserCount> top, int users, long counted, long distinct,
                          long redelivered, long replayed) {

        public Summary {
            top = List.copyOf(top);
        }
    }

    /**
     * Runs {@code action} while this process's stats consumer is out of the group, and lets it
     * join again after, also when the action throws; see {@link PhotoStats#whilePaused}.
     */
    public <T> T whilePaused(Duration timeout, Supplier<T> action) {
        return stats.whilePaused(timeout, action);
    }

    /** The {@code limit} users with the most events counted, and the totals over all users. */
    public Summary summary(int limit) {
        PhotoStats.Summary s = stats.summary(limit);
        List<UserCount> top = s.top().stream()
                .map(u -> new UserCount(u.userId(), u.counted(), u.distinct(), u.redelivered(), u.replayed()))
                .toList();
        return new Summary(PhotoStats.GROUP, top, s.users(), s.counted(), s.distinct(), s.redelivered(), s.replayed());
    }
}
