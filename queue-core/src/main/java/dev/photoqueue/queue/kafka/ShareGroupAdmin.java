package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Describes and resets SHARED groups, which are Kafka share groups. A group's position on a
 * partition is Kafka's share-partition start offset (every record before it is done). A member is
 * listed once although Kafka sees each of its lanes as a member: the lanes' client ids are the
 * member id, {@link KafkaShareGroupConsumer#LANE_SEPARATOR} and a number. Kafka does not show which
 * records a member holds, so {@link MemberDescription#locked} is empty. Stateless.
 */
final class ShareGroupAdmin {

    private ShareGroupAdmin() {
    }

    static GroupDescription describe(KafkaQueueAdmin queueAdmin, KafkaBackend backend, String groupId) {
        var admin = backend.kafkaAdmin();
        KafkaConfig config = backend.config();
        ShareGroupDescription d = KafkaErrors.await(admin.describeShareGroups(List.of(groupId)).describedGroups()
                .get(groupId), config, "describe share group " + groupId, null);
        Map<String, MemberDescription> members = new TreeMap<>();
        Set<TopicPartition> assigned = new TreeSet<>();
        for (var m : d.members()) {
            assigned.addAll(KafkaQueueConsumer.fromKafka(m.assignment().topicPartitions()));
            String clientId = m.clientId();
            int cut = clientId.lastIndexOf(KafkaShareGroupConsumer.LANE_SEPARATOR);
            String memberId = cut < 0 ? m.consumerId() : clientId.substring(0, cut);
            int dash = memberId.lastIndexOf('-');
            String name = cut < 0 ? clientId : dash < 0 ? memberId : memberId.substring(0, dash);
            members.putIfAbsent(memberId, new MemberDescription(memberId, name, List.of()));
        }
        var offsets = KafkaErrors.await(admin.listShareGroupOffsets(Map.of(groupId, new ListShareGroupOffsetsSpec()))
                .partitionsToOffsetInfo(groupId), config, "read the start offsets of share group " + groupId, null);
        Map<TopicPartition, SharePartitionOffsetInfo> infos = new HashMap<>();
        offsets.forEach((ktp, info) -> {
            if (info != null) {
                infos.put(KafkaQueueConsumer.fromKafka(ktp), info);
            }
        });
        Set<TopicPartition> all = new TreeSet<>(infos.keySet());
        all.addAll(assigned);
        List<TopicPartition> tps = List.copyOf(all);
        Map<TopicPartition, Long> end = queueAdmin.offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest());
        Map<TopicPartition, Long> earliest = queueAdmin.offsets(tps,
                org.apache.kafka.clients.admin.OffsetSpec.earliest());
        List<PartitionLag> partitions = new ArrayList<>();
        for (TopicPartition tp : tps) {
            SharePartitionOffsetInfo info = infos.get(tp);
            long endOffset = end.getOrDefault(tp, 0L);
            if (info == null) {
                // Assigned, but Kafka has no state for it yet: nothing of it is done.
                partitions.add(new PartitionLag(tp, -1, endOffset,
                        Math.max(0, endOffset - earliest.getOrDefault(tp, 0L)), null));
                continue;
            }
            long lag = info.lag().orElse(Math.max(0, endOffset - Math.max(0, info.startOffset())));
            partitions.add(new PartitionLag(tp, position(info.startOffset(), endOffset, lag), endOffset, lag, null));
        }
        return new GroupDescription(groupId, d.groupEpoch(), List.copyOf(members.values()), partitions);
    }

    /**
     * The first record not done, as far as Kafka shows it without overstating it. Kafka persists a
     * share partition's start offset as it was before the last acknowledgement was applied (after
     * accepting 0, 1 and 2 one by one it reads 2), and does not show which records above it are
     * done, only how many are not (the lag). So: the end offset when nothing is left (lag 0), else
     * the persisted start offset, which may be behind the first record not done, never past it.
     * -1 when the group has no start offset there yet.
     */
    static long position(long startOffset, long endOffset, long lag) {
        if (startOffset < 0) {
            return -1;
        }
        return lag == 0 ? Math.max(startOffset, endOffset) : startOffset;
    }

    /** Moves the share group's start offsets; Kafka refuses while the group has members. */
    static void reset(KafkaBackend backend, String groupId, String topic, Map<TopicPartition, Long> targets) {
        Map<org.apache.kafka.common.TopicPartition, Long> kafka = new HashMap<>();
        targets.forEach((tp, offset) -> kafka.put(KafkaQueueConsumer.toKafka(tp), offset));
        KafkaErrors.await(backend.kafkaAdmin().alterShareGroupOffsets(groupId, kafka).all(), backend.config(),
                "reset the offsets of share group " + groupId + " on " + topic
                        + " (a group with live members cannot be reset)", topic);
    }
}
