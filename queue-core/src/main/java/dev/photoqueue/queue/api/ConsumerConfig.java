package dev.photoqueue.queue.api;

/**
 * How a consumer reads. Immutable; build with {@link #builder()}.
 *
 * @param maxPollRecords the most records one {@link Consumer#poll} returns (default 500)
 * @param fetchMaxBytes  roughly the most bytes one poll reads from one partition (default 1 MiB);
 *                       a single larger record is still returned whole
 */
public record ConsumerConfig(int maxPollRecords, int fetchMaxBytes) {

    public static final ConsumerConfig DEFAULTS = builder().build();

    public ConsumerConfig {
        checkReadLimits(maxPollRecords, fetchMaxBytes);
    }

    /** The read limits' rules, for a plain consumer and a group member ({@link GroupConsumerConfig}) alike. */
    static void checkReadLimits(int maxPollRecords, int fetchMaxBytes) {
        if (maxPollRecords <= 0) {
            throw new InvalidConfigException("max.poll.records", String.valueOf(maxPollRecords), "must be > 0");
        }
        if (fetchMaxBytes <= 0) {
            throw new InvalidConfigException("fetch.max.bytes", String.valueOf(fetchMaxBytes), "must be > 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; every one has a default. */
    public static final class Builder extends ReadLimitsBuilder<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(maxPollRecords, fetchMaxBytes);
        }
    }
}
