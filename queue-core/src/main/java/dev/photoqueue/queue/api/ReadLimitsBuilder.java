package dev.photoqueue.queue.api;

/**
 * The builder part of the read limits that a plain consumer ({@link ConsumerConfig}) and a group
 * member ({@link GroupConsumerConfig}) share: one pair of setters with one pair of defaults, so the
 * two cannot drift apart; both records check the values with {@link ConsumerConfig#checkReadLimits}.
 * Not thread-safe, like the builders.
 *
 * @param <B> the builder that extends this one, which each setter returns so that calls chain
 */
abstract class ReadLimitsBuilder<B extends ReadLimitsBuilder<B>> {

    int maxPollRecords = 500;
    int fetchMaxBytes = 1 << 20;

    ReadLimitsBuilder() {
    }

    public B maxPollRecords(int value) {
        this.maxPollRecords = value;
        return self();
    }

    public B fetchMaxBytes(int value) {
        this.fetchMaxBytes = value;
        return self();
    }

    /** {@code this}, as the builder's own type. */
    abstract B self();
}
