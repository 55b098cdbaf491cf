package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import dev.photoqueue.queue.api.ConsumerRecord;

/** Topic administration of the embedded log. The replication factor is accepted and ignored: one copy. */
final class InhouseAdmin implements Admin {

    private final LogManager log;
    private final GroupCoordinator coordinator;

    private final Redriver redriver;

    InhouseAdmin(LogManager log, GroupCoordinator coordinator, Redriver redriver) {
        this.log = log;
        this.coordinator = coordinator;
        this.redriver = redriver;
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
            try {
                createTopic(topic);
                return true;
            } catch (TopicExistsException e) {
                return false;
            }
        }
    }

    @Override
    public Set<String> listTopics() {
        Set<String> names = new java.util.TreeSet<>(log.topicNames());
        names.removeIf(name -> name.startsWith(INTERNAL_PREFIX));
        return names;
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

    @Override
    public Set<String> listGroups() {
        Set<String> ids = coordinator.groupIds();
        ids.removeIf(id -> id.startsWith(INTERNAL_PREFIX));
        return ids;
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

    @Override
    public List<ConsumerRecord> deadLetters(String dlqTopic) {
        return redriver.deadLetters(dlqTopic);
    }

    @Override
    public boolean redrive(String dlqTopic, long dlqOffset) {
        return redriver.redrive(dlqTopic, dlqOffset);
    }

    @Override
    public long redriveAll(String dlqTopic, Predicate<ConsumerRecord> filter, double recordsPerSecond) {
        return redriver.redriveAll(dlqTopic, filter, recordsPerSecond);
    }
}
