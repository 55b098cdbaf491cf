package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The per-group settings of a Kafka share group that carry a SHARED member's configuration, set
 * with {@code incrementalAlterConfigs} on the group before its lanes join. They belong to the
 * group, not to a member: the last member to join with other values sets them for all.
 *
 * <table>
 * <caption>mapping</caption>
 * <tr><td>{@code visibilityTimeoutMs}</td><td>{@code share.record.lock.duration.ms}, at least
 * {@value #MIN_LOCK_MS} (Kafka's floor)</td></tr>
 * <tr><td>{@code maxDeliveries}</td><td>{@code share.delivery.count.limit} = maxDeliveries + 1: the
 * broker must hand a record out once more than the maximum so that the member sees it and
 * dead-letters it (Kafka would archive it silently at its own limit)</td></tr>
 * <tr><td>{@code maxInFlightPerPartition}</td><td>{@code share.partition.max.record.locks}, at least
 * {@value #MIN_RECORD_LOCKS} (Kafka's floor)</td></tr>
 * <tr><td>{@code autoOffsetReset}</td><td>{@code share.auto.offset.reset}</td></tr>
 * <tr><td>(always)</td><td>{@code share.isolation.level=read_committed}, as ORDERED members read;
 * {@code share.renew.acknowledge.enable=true}</td></tr>
 * </table>
 * Stateless.
 */
final class ShareGroupSettings {

    /** Kafka's smallest lock duration: {@code group.share.min.record.lock.duration.ms} cannot go below it. */
    static final long MIN_LOCK_MS = 1_000;
    /** Kafka's smallest per-partition lock limit: {@code group.share.min.partition.max.record.locks} cannot go below it. */
    static final int MIN_RECORD_LOCKS = 100;

    private ShareGroupSettings() {
    }

    /** The lock duration the group gets for this member's visibility timeout. */
    static long lockMs(GroupConsumerConfig config) {
        return Math.max(MIN_LOCK_MS, config.visibilityTimeoutMs());
    }

    /** The settings as Kafka names them. */
    static Map<String, String> of(GroupConsumerConfig config) {
        return Map.of(
                "share.record.lock.duration.ms", String.valueOf(lockMs(config)),
                "share.delivery.count.limit", String.valueOf(config.maxDeliveries() + 1),
                "share.partition.max.record.locks", String.valueOf(Math.max(MIN_RECORD_LOCKS,
                        config.maxInFlightPerPartition())),
                "share.auto.offset.reset", config.autoOffsetReset().name().toLowerCase(Locale.ROOT),
                "share.isolation.level", "read_committed",
                "share.renew.acknowledge.enable", "true");
    }

    /**
     * Sets them on the group. {@link InvalidConfigException} naming the values when the broker's
     * bounds refuse one (e.g. {@code group.share.max.delivery.count.limit} below maxDeliveries + 1,
     * or {@code group.share.min.record.lock.duration.ms} above the visibility timeout).
     */
    static void apply(KafkaBackend backend, GroupConsumerConfig config) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, config.groupId());
        List<AlterConfigOp> ops = new ArrayList<>();
        Map<String, String> settings = of(config);
        settings.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        KafkaConfig kc = backend.config();
        String action = "set the share group settings of group " + config.groupId();
        try {
            backend.kafkaAdmin().incrementalAlterConfigs(Map.of(group, ops)).all()
                    .get(Math.max(kc.requestTimeoutMs(), kc.connectTimeoutMs()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidConfigurationException
                    || e.getCause() instanceof InvalidRequestException) {
                throw new InvalidConfigException("group " + config.groupId(), settings.toString(),
                        "the Kafka broker refused these share group settings (visibility timeout "
                                + config.visibilityTimeoutMs() + " ms, maxDeliveries " + config.maxDeliveries()
                                + ", maxInFlightPerPartition " + config.maxInFlightPerPartition()
                                + "); check its group.share.min/max.* bounds: " + e.getCause().getMessage());
            }
            throw KafkaErrors.translate(e.getCause(), kc, action, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.photoqueue.queue.api.QueueException("interrupted while trying to " + action, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new dev.photoqueue.queue.api.BackendUnavailableException(kc.bootstrapServers(),
                    kc.requestTimeoutMs(), action, e);
        }
    }
}
