package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.spi.BackendAdmin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

/**
 * Topic and group administration through Kafka's admin client. Topics are created with the
 * partitions and replication factor asked for (the backend's default replication when not asked); the queue's topic settings are mapped to Kafka's
 * ({@code max.record.bytes} to {@code max.message.bytes}, {@code fsync=always} to
 * {@code flush.messages=1}); the in-house back-pressure settings {@code max.backlog.*} have no
 * Kafka equivalent and are refused. Resetting a group's offsets needs the group to have no live
 * members (a Kafka rule). SHARED groups are Kafka share groups, described and reset through
 * {@link ShareGroupAdmin}. Thread-safe.
 */
final class KafkaQueueAdmin extends BackendAdmin {

    private final KafkaBackend backend;
    private final org.apache.kafka.clients.admin.Admin admin;
    private final KafkaConfig config;

    KafkaQueueAdmin(KafkaBackend backend) {
        super(backend.redriver());
        this.backend = backend;
        this.admin = backend.kafkaAdmin();
        this.config = backend.config();
    }

    // ------------------------------------------------------------------ topics

    @Override
    public void createTopic(NewTopic topic) {
        if (topic.name().startsWith(INTERNAL_PREFIX)) {
            throw new InvalidTopicException(topic.name(), "names starting with \"" + INTERNAL_PREFIX
                    + "\" are reserved for internal topics");
        }
        // the backend's default: kafka.replication.factor when set, else the brokers' default
        // (default.replication.factor: three copies on the three-node cluster)
        Optional<Short> replication = topic.replicationFactor() != NewTopic.BACKEND_DEFAULT_REPLICATION
                ? Optional.of(topic.replicationFactor())
                : config.replicationFactor() > 0 ? Optional.of(config.replicationFactor()) : Optional.empty();
        var newTopic = new org.apache.kafka.clients.admin.NewTopic(topic.name(), Optional.of(topic.partitions()),
                replication).configs(kafkaConfigs(topic));
        KafkaErrors.await(admin.createTopics(List.of(newTopic)).all(), config, "create topic " + topic.name(),
                topic.name());
        backend.awaitTopicVisible(topic.name());
    }

    /** The topic settings in Kafka's names. */
    static Map<String, String> kafkaConfigs(NewTopic topic) {
        Map<String, String> out = new HashMap<>();
        topic.configs().forEach((key, value) -> {
            switch (key) {
                case TopicConfigs.MAX_BACKLOG_RECORDS, TopicConfigs.MAX_BACKLOG_BYTES ->
                        throw new InvalidConfigException(key, value, "topic " + topic.name() + ": Kafka has no back "
                                + "pressure from consumer lag; this setting exists on the in-house backend only");
                case TopicConfigs.MAX_RECORD_BYTES -> out.put("max.message.bytes", value);
                case TopicConfigs.FSYNC -> {
                    switch (value.trim().toLowerCase(Locale.ROOT)) {
                        case "always" -> out.put("flush.messages", "1");
                        case "interval", "never" -> {
                            // Kafka's default: the OS flushes, replication provides the durability
                        }
                        default -> throw new InvalidConfigException(key, value, "topic " + topic.name()
                                + ": expected always, interval or never");
                    }
                }
                default -> out.put(key, value);
            }
        });
        return out;
    }

    @Override
    public Set<String> listTopics() {
        return listable(KafkaErrors.await(admin.listTopics().names(), config, "list topics", null));
    }

    @Override
    public TopicDescription describeTopic(String topic) {
        List<TopicPartition> tps = partitionsOf(topic);
        Map<TopicPartition, Long> start = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest());
        Map<TopicPartition, Long> sizes = sizes(topic);
        List<PartitionInfo> partitions = new ArrayList<>();
        for (TopicPartition tp : tps) {
            partitions.add(new PartitionInfo(tp.partition(), start.get(tp), end.get(tp), sizes.getOrDefault(tp, 0L)));
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        var described = KafkaErrors.await(admin.describeConfigs(List.of(resource)).all(), config,
                "describe the settings of topic " + topic, topic).get(resource);
        Map<String, String> configs = new TreeMap<>();
        described.entries().forEach(e -> {
            if (!e.isSensitive() && e.value() != null) {
                configs.put(e.name(), e.value());
            }
        });
        return new TopicDescription(topic, partitions, configs);
    }

    /** Bytes each partition of the topic takes on its largest replica. */
    private Map<TopicPartition, Long> sizes(String topic) {
        List<Integer> brokers = KafkaErrors.await(admin.describeCluster().nodes(), config, "list brokers", null)
                .stream().map(org.apache.kafka.common.Node::id).toList();
        var dirs = KafkaErrors.await(admin.describeLogDirs(brokers).allDescriptions(), config,
                "describe the log directories", topic);
        Map<TopicPartition, Long> out = new HashMap<>();
        dirs.values().forEach(byDir -> byDir.values().forEach(dir -> dir.replicaInfos().forEach((ktp, info) -> {
            if (ktp.topic().equals(topic)) {
                out.merge(KafkaQueueConsumer.fromKafka(ktp), info.size(), Math::max);
            }
        })));
        return out;
    }

    Map<TopicPartition, Long> offsets(List<TopicPartition> tps, org.apache.kafka.clients.admin.OffsetSpec spec) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> query = new HashMap<>();
        for (TopicPartition tp : tps) {
            query.put(KafkaQueueConsumer.toKafka(tp), spec);
        }
        if (query.isEmpty()) {
            return Map.of();
        }
        Map<org.apache.kafka.common.TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
                KafkaErrors.await(admin.listOffsets(query).all(), config, "list offsets of " + tps,
                        tps.get(0).topic());
        Map<TopicPartition, Long> out = new HashMap<>();
        found.forEach((ktp, info) -> out.put(KafkaQueueConsumer.fromKafka(ktp), info.offset()));
        return out;
    }

    @Override
    public dev.photoqueue.queue.api.ClusterDescription describeCluster(java.util.Collection<String> topics) {
        return backend.clusterDescriber().describe(topics);
    }

    // ------------------------------------------------------------------ groups

    @Override
    public Set<String> listGroups() {
        return listable(KafkaErrors.await(admin.listGroups().all(), config, "list groups", null).stream()
                .map(g -> g.groupId()).toList());
    }

    @Override
    public GroupDescription describeGroup(String groupId) {
        if (isShareGroup(groupId)) {
            return ShareGroupAdmin.describe(this, backend, groupId);
        }
        ConsumerGroupDescription d = describeKafkaGroup(groupId);
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed = KafkaErrors.await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(), config,
                "read the committed offsets of group " + groupId, null);
        if ((d == null || d.members().isEmpty()) && committed.isEmpty()) {
            throw new UnknownGroupException(groupId);
        }
        List<MemberDescription> members = new ArrayList<>();
        Map<TopicPartition, String> owners = new TreeMap<>();
        if (d != null) {
            for (var m : d.members()) {
                List<TopicPartition> assignment = new ArrayList<>(
                        KafkaQueueConsumer.fromKafka(m.assignment().topicPartitions()));
                assignment.sort(null);
                members.add(new MemberDescription(m.consumerId(), m.clientId(), assignment));
                assignment.forEach(tp -> owners.put(tp, m.consumerId()));
            }
        }
        Set<TopicPartition> all = new TreeSet<>(owners.keySet());
        committed.keySet().forEach(ktp -> all.add(KafkaQueueConsumer.fromKafka(ktp)));
        List<TopicPartition> tps = List.copyOf(all);
        Map<TopicPartition, Long> start = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest());
        List<PartitionLag> partitions = new ArrayList<>();
        for (TopicPartition tp : tps) {
            OffsetAndMetadata c = committed.get(KafkaQueueConsumer.toKafka(tp));
            long position = c == null ? -1 : c.offset();
            long endOffset = end.getOrDefault(tp, 0L);
            long lag = position < 0 ? endOffset - start.getOrDefault(tp, 0L) : Math.max(0, endOffset - position);
            partitions.add(new PartitionLag(tp, position, endOffset, lag, owners.get(tp)));
        }
        int generation = d == null ? 0 : d.groupEpoch().orElse(0);
        return new GroupDescription(groupId, generation, members, partitions);
    }

    /** True when the group is a SHARED one, a Kafka share group. */
    private boolean isShareGroup(String groupId) {
        return KafkaGroupTypes.typeOf(backend, groupId).filter(t -> t == org.apache.kafka.common.GroupType.SHARE)
                .isPresent();
    }

    /** Kafka's description of the group, or null when Kafka does not know it. */
    private ConsumerGroupDescription describeKafkaGroup(String groupId) {
        try {
            return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(Math.max(config.requestTimeoutMs(), config.connectTimeoutMs()),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw KafkaErrors.translate(e.getCause(), config, "describe group " + groupId, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.photoqueue.queue.api.QueueException("interrupted while describing group " + groupId, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new dev.photoqueue.queue.api.BackendUnavailableException(config.bootstrapServers(),
                    config.requestTimeoutMs(), "describe group " + groupId, e);
        }
    }

    /** Every partition of {@code topic}, in order, as the backend counts them. */
    private List<TopicPartition> partitionsOf(String topic) {
        int count = backend.partitionCount(topic);
        List<TopicPartition> tps = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    @Override
    public Map<TopicPartition, Long> resetOffsets(String groupId, String topic, OffsetSpec spec) {
        List<TopicPartition> tps = partitionsOf(topic);
        Map<TopicPartition, Long> start = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest());
        Map<TopicPartition, Long> byTime = spec.kind() == OffsetSpec.Kind.TIMESTAMP
                ? offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(spec.value())) : Map.of();
        Map<TopicPartition, Long> result = new TreeMap<>();
        boolean shared = isShareGroup(groupId);
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition tp : tps) {
            long target = switch (spec.kind()) {
                case EARLIEST -> start.get(tp);
                case LATEST -> end.get(tp);
                case OFFSET -> Math.max(start.get(tp), Math.min(end.get(tp), spec.value()));
                // Kafka answers -1 when every record is older: the end, as the API promises
                case TIMESTAMP -> Optional.ofNullable(byTime.get(tp)).filter(o -> o >= 0).orElse(end.get(tp));
            };
            result.put(tp, target);
            // Empty metadata: nothing acked above the new position, delivery counts start afresh.
            commit.put(KafkaQueueConsumer.toKafka(tp), new OffsetAndMetadata(target, ""));
        }
        if (shared) {
            ShareGroupAdmin.reset(backend, groupId, topic, result);
            return result;
        }
        KafkaErrors.await(admin.alterConsumerGroupOffsets(groupId, commit).all(), config,
                "reset the offsets of group " + groupId + " on " + topic + " (a group with live members cannot be reset)",
                topic);
        return result;
    }
}
