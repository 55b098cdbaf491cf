package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ClusterDescription;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;
import dev.photoqueue.queue.spi.BackendAdmin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Topic administration of the embedded log. The replication factor is accepted and ignored: one copy. */
final class InhouseAdmin extends BackendAdmin {

    private final LogManager log;
    private final GroupCoordinator coordinator;

    InhouseAdmin(LogManager log, GroupCoordinator coordinator, Redriver redriver) {
        super(redriver);
        this.log = log;
        this.coordinator = coordinator;
    }

    @Override
    public void createTopic(NewTopic topic) {
        InhouseBackend.rejectInternal(topic.name());
        log.createTopic(topic.name(), topic.partitions(), topic.configs());
    }

    @Override
    public boolean createTopicIfAbsent(NewTopic topic) {
        synchronized (log) {
            if (log.findTopic(topic.name()).isPresent()) {
                return false;
            }
            return super.createTopicIfAbsent(topic);
        }
    }

    @Override
    public Set<String> listTopics() {
        return listable(log.topicNames());
    }

    @Override
    public TopicDescription describeTopic(String topic) {
        TopicLog t = log.topic(topic);
        List<PartitionInfo> partitions = new ArrayList<>();
        for (PartitionLog p : t.partitions()) {
            partitions.add(new PartitionInfo(p.topicPartition().partition(), p.startOffset(), p.endOffset(),
                    p.sizeInBytes()));
        }
        return new TopicDescription(topic, partitions, t.config().toMap());
    }

    /** One node, one copy: nothing to replicate to, no quorum to lose. */
    @Override
    public ClusterDescription describeCluster(Collection<String> topics) {
        return ClusterDescription.singleNode("the in-house log keeps one copy of each record, in "
                + log.directory().toAbsolutePath() + "; use Kafka for copies on other machines", Instant.now());
    }

    @Override
    public Set<String> listGroups() {
        return listable(coordinator.groupIds());
    }

    @Override
    public GroupDescription describeGroup(String groupId) {
        return coordinator.describe(groupId);
    }

    @Override
    public Map<TopicPartition, Long> resetOffsets(String groupId, String topic, OffsetSpec spec) {
        log.topic(topic);
        return coordinator.reset(groupId, topic, spec);
    }
}
