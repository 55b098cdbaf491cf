package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.StorageException;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue's modes as Kafka's group types: an ORDERED group is a Kafka consumer group, a SHARED
 * group a share group, and Kafka keeps one type per group id. A member joining a group of the other
 * type is refused while that group has members; an empty group is converted, keeping its positions:
 * the committed offsets become the share group's start offsets, or the other way round (delivery
 * counts and acks above the position are not carried over). A share group's start offsets are
 * first made current (see {@link #persistStateOnceMore}). Stateless; the checks and the
 * conversion are not atomic, so two members of different modes joining at the same moment may both
 * pass (Kafka then refuses the second one's join).
 */
final class KafkaGroupTypes {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupTypes.class);

    private KafkaGroupTypes() {
    }

    /** Kafka's type of the group, empty when Kafka does not know the group. */
    static Optional<GroupType> typeOf(KafkaBackend backend, String groupId) {
        var listed = KafkaErrors.await(backend.kafkaAdmin().listGroups().all(), backend.config(),
                "list groups", null);
        return listed.stream().filter(g -> g.groupId().equals(groupId)).findFirst()
                .map(g -> g.type().orElse(GroupType.UNKNOWN));
    }

    /** Before a SHARED member joins: refuses a consumer group with members, converts an empty one. */
    static void requireShareOrAbsent(KafkaBackend backend, String groupId) {
        Optional<GroupType> type = typeOf(backend, groupId);
        if (type.isEmpty() || type.get() == GroupType.SHARE) {
            return;
        }
        var admin = backend.kafkaAdmin();
        KafkaConfig config = backend.config();
        var described = KafkaErrors.await(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId),
                config, "describe group " + groupId, null);
        if (!described.members().isEmpty()) {
            throw refused(groupId, "SHARED", "ORDERED", described.members().size());
        }
        Map<TopicPartition, OffsetAndMetadata> committed = KafkaErrors.await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(), config,
                "read the committed offsets of group " + groupId, null);
        KafkaErrors.await(admin.deleteConsumerGroups(List.of(groupId)).all(), config,
                "delete the empty ORDERED group " + groupId + " to make it SHARED", null);
        Map<TopicPartition, Long> start = new HashMap<>();
        committed.forEach((tp, c) -> {
            if (c != null) {
                start.put(tp, c.offset());
            }
        });
        if (!start.isEmpty()) {
            KafkaErrors.await(admin.alterShareGroupOffsets(groupId, start).all(), config,
                    "set the start offsets of share group " + groupId, null);
        }
        LOG.info("group {} switched from ORDERED to SHARED at {}", groupId, start);
    }

    /** Before an ORDERED member joins: refuses a share group with members, converts an empty one. */
    static void requireConsumerOrAbsent(KafkaBackend backend, String groupId) {
        Optional<GroupType> type = typeOf(backend, groupId);
        if (type.isEmpty() || type.get() != GroupType.SHARE) {
            return;
        }
        var admin = backend.kafkaAdmin();
        KafkaConfig config = backend.config();
        var described = KafkaErrors.await(admin.describeShareGroups(List.of(groupId)).describedGroups().get(groupId),
                config, "describe share group " + groupId, null);
        if (!described.members().isEmpty()) {
            throw refused(groupId, "ORDERED", "SHARED", described.members().size());
        }
        var offsets = startOffsets(backend, groupId);
        Set<String> unfinished = new TreeSet<>();
        offsets.forEach((tp, info) -> {
            if (info != null && info.lag().orElse(1L) != 0) {
                unfinished.add(tp.topic());
            }
        });
        if (!unfinished.isEmpty()) {
            persistStateOnceMore(backend, groupId, unfinished);
            offsets = startOffsets(backend, groupId);
        }
        deleteEmptyShareGroup(backend, groupId);
        Map<TopicPartition, Long> end = new HashMap<>();
        KafkaQueueAdmin queueAdmin = new KafkaQueueAdmin(backend);
        queueAdmin.offsets(List.copyOf(KafkaQueueConsumer.fromKafka(offsets.keySet())),
                org.apache.kafka.clients.admin.OffsetSpec.latest())
                .forEach((tp, offset) -> end.put(KafkaQueueConsumer.toKafka(tp), offset));
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, info) -> {
            if (info != null && info.startOffset() >= 0) {
                long lag = info.lag().orElse(-1L);
                long position = ShareGroupAdmin.position(info.startOffset(), end.getOrDefault(tp, 0L), lag);
                commit.put(tp, new OffsetAndMetadata(position, ""));
            }
        });
        if (!commit.isEmpty()) {
            KafkaErrors.await(admin.alterConsumerGroupOffsets(groupId, commit).all(), config,
                    "commit the positions of group " + groupId, null);
        }
        LOG.info("group {} switched from SHARED to ORDERED at {}", groupId, commit);
    }

    private static Map<TopicPartition, SharePartitionOffsetInfo> startOffsets(KafkaBackend backend, String groupId) {
        return KafkaErrors.await(backend.kafkaAdmin().listShareGroupOffsets(Map.of(groupId,
                        new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(groupId), backend.config(),
                "read the start offsets of share group " + groupId, null);
    }

    /**
     * Makes the broker write the share partitions' state once more, so that the start offsets read
     * next are current: Kafka persists a start offset as it was before the last acknowledgement was
     * applied. A throwaway share consumer polls until it locks some record, then leaves, which
     * releases what it locked (a state write). Gives up quietly after the connect timeout: the start
     * offsets are then read as they are, at worst behind the first record not done.
     */
    private static void persistStateOnceMore(KafkaBackend backend, String groupId, Set<String> topics) {
        Map<String, Object> props = backend.config().clientBase();
        props.put("group.id", groupId);
        props.put("client.id", "photoqueue-mode-switch");
        props.put("share.acknowledgement.mode", "explicit");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backend.config().connectTimeoutMs());
        try (var probe = new KafkaShareConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            probe.subscribe(topics);
            while (System.nanoTime() - deadline < 0 && probe.poll(Duration.ofMillis(100)).isEmpty()) {
                // joining, then fetching
            }
        } catch (KafkaException e) {
            LOG.warn("group {}: could not refresh the share group's state before the switch to ORDERED; its start "
                    + "offsets may be one acknowledgement behind: {}", groupId, StorageException.reason(e));
        }
    }

    /** Deletes the share group, waiting briefly while a member that just left is still listed. */
    private static void deleteEmptyShareGroup(KafkaBackend backend, String groupId) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backend.config().requestTimeoutMs());
        while (true) {
            try {
                KafkaErrors.await(backend.kafkaAdmin().deleteShareGroups(List.of(groupId)).all(), backend.config(),
                        "delete the empty SHARED group " + groupId + " to make it ORDERED", null);
                return;
            } catch (dev.photoqueue.queue.api.QueueException e) {
                if (!(e.getCause() instanceof GroupNotEmptyException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    private static InvalidConfigException refused(String groupId, String joining, String current, int members) {
        return new InvalidConfigException("mode", joining, "group " + groupId + " is in " + current + " mode with "
                + members + " live Kafka member(s); a " + joining + " member cannot join it until it is empty");
    }
}
