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
 */
public record GroupConsumerConfig(String groupId, String clientId, DeliveryGuarantee delivery, Assignor assignor,
                                  AutoOffsetReset autoOffsetReset, long sessionTimeoutMs, int maxPollRecords,
                                  int fetchMaxBytes) {

    public GroupConsumerConfig {
        Objects.requireNonNull(groupId, "groupId");
        if (groupId.isBlank() || groupId.length() > 249) {
            throw new InvalidConfigException("group.id", groupId, "must be 1..249 characters, not blank");
        }
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(assignor, "assignor");
        Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
        clientId = clientId == null ? groupId : clientId;
        if (sessionTimeoutMs < 10) {
            throw new InvalidConfigException("session.timeout.ms", String.valueOf(sessionTimeoutMs), "must be >= 10");
        }
        if (maxPollRecords <= 0) {
            throw new InvalidConfigException("max.poll.records", String.valueOf(maxPollRecords), "must be > 0");
        }
        if (fetchMaxBytes <= 0) {
            throw new InvalidConfigException("fetch.max.bytes", String.valueOf(fetchMaxBytes), "must be > 0");
        }
    }

    public static Builder builder(String groupId) {
        return new Builder(groupId);
    }

    public Builder toBuilder() {
        return new Builder(groupId).clientId(clientId).delivery(delivery).assignor(assignor)
                .autoOffsetReset(autoOffsetReset).sessionTimeoutMs(sessionTimeoutMs).maxPollRecords(maxPollRecords)
                .fetchMaxBytes(fetchMaxBytes);
    }

    /** Collects settings; every one but the group id has a default. */
    public static final class Builder {
        private final String groupId;
        private String clientId;
        private DeliveryGuarantee delivery = DeliveryGuarantee.AT_LEAST_ONCE;
        private Assignor assignor = Assignor.STICKY;
        private AutoOffsetReset autoOffsetReset = AutoOffsetReset.EARLIEST;
        private long sessionTimeoutMs = 10_000;
        private int maxPollRecords = 500;
        private int fetchMaxBytes = 1 << 20;

        private Builder(String groupId) {
            this.groupId = groupId;
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

        public Builder maxPollRecords(int value) {
            this.maxPollRecords = value;
            return this;
        }

        public Builder fetchMaxBytes(int value) {
            this.fetchMaxBytes = value;
            return this;
        }

        public GroupConsumerConfig build() {
            return new GroupConsumerConfig(groupId, clientId, delivery, assignor, autoOffsetReset, sessionTimeoutMs,
                    maxPollRecords, fetchMaxBytes);
        }
    }
}
