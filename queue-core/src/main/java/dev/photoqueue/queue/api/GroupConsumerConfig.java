package dev.photoqueue.queue.api;

import java.util.Objects;

/**
 * How a member of a consumer group consumes. Immutable; build with {@link #builder(String)}.
 *
 * @param groupId          the group; members of one group share its partitions and positions
 * @param clientId         a name for this member in descriptions (default: the group id)
 * @param delivery         when a record counts as done (default at-least-once)
 * @param assignor         how partitions are spread over members (default sticky)
 * @param autoOffsetReset  where a partition without a committed position starts (default earliest)
 * @param sessionTimeoutMs a member that has not called the consumer for this long is removed and its
 *                         partitions move (default 10 s)
 * @param maxPollRecords   the most records one poll returns (default 500)
 * @param fetchMaxBytes    roughly the most bytes one read from a partition takes (default 1 MiB)
 * @param maxDeliveries    a record whose next delivery would be more than this is dead-lettered to
 *                         {@code <topic>.dlq} instead (default 5); see {@link DeadLetters}.
 *                         {@link #UNLIMITED_DELIVERIES}: never; the in-house log then writes the
 *                         delivery counts only with the next ack, release or commit, not at each poll
 * @param retryBackoffMs   the wait before a released record is delivered again after its first
 *                         delivery, doubling with every further delivery (default 100 ms), +-20 % jitter
 * @param retryBackoffMaxMs the most that wait grows to (default 10 s)
 * @param mode             ORDERED (partition ownership, default) or SHARED (per-record locks); see
 *                         {@link ConsumptionMode}
 * @param visibilityTimeoutMs SHARED mode: how long a taken record stays locked to its member before
 *                         others may take it (default 30 s); RENEW extends it
 * @param maxInFlightPerPartition SHARED mode: the most records of one partition locked at once (default 200)
 */
public record GroupConsumerConfig(String groupId, String clientId, DeliveryGuarantee delivery, Assignor assignor,
                                  AutoOffsetReset autoOffsetReset, long sessionTimeoutMs, int maxPollRecords,
                                  int fetchMaxBytes, int maxDeliveries, long retryBackoffMs, long retryBackoffMaxMs,
                                  ConsumptionMode mode, long visibilityTimeoutMs, int maxInFlightPerPartition) {

    /** {@code maxDeliveries} meaning no maximum: a record is never dead-lettered for its deliveries. */
    public static final int UNLIMITED_DELIVERIES = Integer.MAX_VALUE;

    public GroupConsumerConfig {
        Objects.requireNonNull(groupId, "groupId");
        if (groupId.isBlank() || groupId.length() > 249) {
            throw new InvalidConfigException("group.id", groupId, "must be 1..249 characters, not blank");
        }
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(assignor, "assignor");
        Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
        Objects.requireNonNull(mode, "mode");
        clientId = clientId == null ? groupId : clientId;
        if (sessionTimeoutMs < 10) {
            throw new InvalidConfigException("session.timeout.ms", String.valueOf(sessionTimeoutMs), "must be >= 10");
        }
        ConsumerConfig.checkReadLimits(maxPollRecords, fetchMaxBytes);
        if (maxDeliveries <= 0) {
            throw new InvalidConfigException("max.deliveries", String.valueOf(maxDeliveries), "must be > 0");
        }
        if (retryBackoffMs < 0) {
            throw new InvalidConfigException("retry.backoff.ms", String.valueOf(retryBackoffMs), "must be >= 0");
        }
        if (retryBackoffMaxMs < retryBackoffMs) {
            throw new InvalidConfigException("retry.backoff.max.ms", String.valueOf(retryBackoffMaxMs),
                    "must be >= retry.backoff.ms (" + retryBackoffMs + ")");
        }
        if (visibilityTimeoutMs < 1) {
            throw new InvalidConfigException("visibility.timeout.ms", String.valueOf(visibilityTimeoutMs), "must be >= 1");
        }
        if (maxInFlightPerPartition <= 0) {
            throw new InvalidConfigException("max.in.flight.per.partition", String.valueOf(maxInFlightPerPartition),
                    "must be > 0");
        }
    }

    /** The settings of an older release: ORDERED mode, the SHARED-mode settings take their defaults. */
    public GroupConsumerConfig(String groupId, String clientId, DeliveryGuarantee delivery, Assignor assignor,
                               AutoOffsetReset autoOffsetReset, long sessionTimeoutMs, int maxPollRecords,
                               int fetchMaxBytes, int maxDeliveries, long retryBackoffMs, long retryBackoffMaxMs) {
        this(groupId, clientId, delivery, assignor, autoOffsetReset, sessionTimeoutMs, maxPollRecords, fetchMaxBytes,
                maxDeliveries, retryBackoffMs, retryBackoffMaxMs, ConsumptionMode.ORDERED,
                Builder.DEFAULT_VISIBILITY_TIMEOUT_MS, Builder.DEFAULT_MAX_IN_FLIGHT_PER_PARTITION);
    }

    /** The settings of an older release: without the retry settings, which take their defaults. */
    public GroupConsumerConfig(String groupId, String clientId, DeliveryGuarantee delivery, Assignor assignor,
                               AutoOffsetReset autoOffsetReset, long sessionTimeoutMs, int maxPollRecords,
                               int fetchMaxBytes) {
        this(groupId, clientId, delivery, assignor, autoOffsetReset, sessionTimeoutMs, maxPollRecords, fetchMaxBytes,
                Builder.DEFAULT_MAX_DELIVERIES, Builder.DEFAULT_RETRY_BACKOFF_MS, Builder.DEFAULT_RETRY_BACKOFF_MAX_MS);
    }

    public static Builder builder(String groupId) {
        return new Builder(groupId);
    }

    public Builder toBuilder() {
        return new Builder(groupId).clientId(clientId).delivery(delivery).assignor(assignor)
                .autoOffsetReset(autoOffsetReset).sessionTimeoutMs(sessionTimeoutMs).maxPollRecords(maxPollRecords)
                .fetchMaxBytes(fetchMaxBytes).maxDeliveries(maxDeliveries).retryBackoffMs(retryBackoffMs)
                .retryBackoffMaxMs(retryBackoffMaxMs).mode(mode).visibilityTimeoutMs(visibilityTimeoutMs)
                .maxInFlightPerPartition(maxInFlightPerPartition);
    }

    /** Collects settings; every one but the group id has a default (the read limits' as for a plain consumer). */
    public static final class Builder extends ReadLimitsBuilder<Builder> {
        static final int DEFAULT_MAX_DELIVERIES = 5;
        static final long DEFAULT_RETRY_BACKOFF_MS = 100;
        static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 10_000;
        static final long DEFAULT_VISIBILITY_TIMEOUT_MS = 30_000;
        static final int DEFAULT_MAX_IN_FLIGHT_PER_PARTITION = 200;
        private final String groupId;
        private String clientId;
        private DeliveryGuarantee delivery = DeliveryGuarantee.AT_LEAST_ONCE;
        private Assignor assignor = Assignor.STICKY;
        private AutoOffsetReset autoOffsetReset = AutoOffsetReset.EARLIEST;
        private long sessionTimeoutMs = 10_000;
        private int maxDeliveries = DEFAULT_MAX_DELIVERIES;
        private long retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;
        private long retryBackoffMaxMs = DEFAULT_RETRY_BACKOFF_MAX_MS;
        private ConsumptionMode mode = ConsumptionMode.ORDERED;
        private long visibilityTimeoutMs = DEFAULT_VISIBILITY_TIMEOUT_MS;
        private int maxInFlightPerPartition = DEFAULT_MAX_IN_FLIGHT_PER_PARTITION;

        private Builder(String groupId) {
            this.groupId = groupId;
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder clientId(String value) {
            this.clientId = value;
            return this;
        }

        public Builder delivery(DeliveryGuarantee value) {
            this.delivery = value;
            return this;
        }

        public Builder assignor(Assignor value) {
            this.assignor = value;
            return this;
        }

        public Builder autoOffsetReset(AutoOffsetReset value) {
            this.autoOffsetReset = value;
            return this;
        }

        public Builder sessionTimeoutMs(long value) {
            this.sessionTimeoutMs = value;
            return this;
        }

        public Builder maxDeliveries(int value) {
            this.maxDeliveries = value;
            return this;
        }

        public Builder retryBackoffMs(long value) {
            this.retryBackoffMs = value;
            return this;
        }

        public Builder retryBackoffMaxMs(long value) {
            this.retryBackoffMaxMs = value;
            return this;
        }

        public Builder mode(ConsumptionMode value) {
            this.mode = value;
            return this;
        }

        public Builder visibilityTimeoutMs(long value) {
            this.visibilityTimeoutMs = value;
            return this;
        }

        public Builder maxInFlightPerPartition(int value) {
            this.maxInFlightPerPartition = value;
            return this;
        }

        public GroupConsumerConfig build() {
            return new GroupConsumerConfig(groupId, clientId, delivery, assignor, autoOffsetReset, sessionTimeoutMs,
                    maxPollRecords, fetchMaxBytes, maxDeliveries, retryBackoffMs, retryBackoffMaxMs, mode,
                    visibilityTimeoutMs, maxInFlightPerPartition);
        }
    }
}
