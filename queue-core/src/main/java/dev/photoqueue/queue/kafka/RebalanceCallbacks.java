package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;

/**
 * Kafka's rebalance callbacks for an ORDERED group member, passed on to the member's
 * {@link dev.photoqueue.queue.api.RebalanceListener} with the queue's partitions. Guarantee: a
 * revoked partition's progress is committed synchronously after the listener ran, so acks made
 * inside the callback count; a lost partition is given up without a commit (Kafka would refuse
 * it). Nothing is passed on while the member is closing: its close revokes its partitions itself.
 *
 * <p>Run by Kafka inside {@code consumer.poll}, on the member's thread, which holds
 * {@link KafkaGroupConsumer}'s lock then.
 */
final class RebalanceCallbacks implements ConsumerRebalanceListener {

    /** Logs as the member it serves, so log settings for KafkaGroupConsumer still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);

    private final KafkaGroupConsumer member;
    private final OwnedPartitions owned;
    private final BatchedAckCommitter commits;

    RebalanceCallbacks(KafkaGroupConsumer member, OwnedPartitions owned, BatchedAckCommitter commits) {
        this.member = member;
        this.owned = owned;
        this.commits = commits;
    }

    @Override
    public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        if (partitions.isEmpty() || member.closing()) {
            return;
        }
        List<TopicPartition> ours = owned.assign(partitions);
        member.listener().onPartitionsAssigned(ours);
    }

    @Override
    public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        if (partitions.isEmpty() || member.closing()) {
            return;
        }
        List<TopicPartition> ours = owned.ownedOf(partitions);
        if (ours.isEmpty()) {
            return;
        }
        try {
            member.listener().onPartitionsRevoked(ours);
            commits.commit(ours, true);
        } catch (FencedMemberException e) {
            LOG.warn("group {}: progress of revoked {} not committed: {}", member.groupId(), ours, e.getMessage());
        } finally {
            owned.remove(ours);
            commits.forget(ours);
        }
    }

    @Override
    public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        if (partitions.isEmpty() || member.closing()) {
            return;
        }
        List<TopicPartition> ours = owned.ownedOf(partitions);
        owned.remove(ours);
        commits.forget(ours);
        if (!ours.isEmpty()) {
            LOG.info("member {} of group {} lost {} (removed from the group); it joins again", member.memberId(),
                    member.groupId(), ours);
            member.listener().onPartitionsLost(ours);
        }
    }
}
