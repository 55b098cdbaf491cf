package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.photoqueue.queue.kafka.OrderedMemberFixture.pollFor;
import static dev.photoqueue.queue.kafka.OrderedMemberFixture.pollThroughFailuresFor;
import static dev.photoqueue.queue.kafka.OrderedMemberFixture.topicWithRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An ORDERED member reads its partitions' committed progress when Kafka assigns them. When that
 * read fails (the group coordinator away or slow past the API timeout, as in a broker restart
 * during a rebalance), the partitions must still be read once the coordinator answers, with the
 * progress committed before: a failing assignment callback would leave them assigned but never
 * fetched, a member holding partitions it never reads. The Kafka consumer here fails its first
 * read of committed offsets, an edge no real broker fails on cue.
 */
@ExtendWith(EmbeddedKafka.class)
class AssignedWhileCoordinatorAwayTest {


    @Test
    void partitionsWhoseCommittedProgressCouldNotBeReadAtAssignmentAreReadOnceItCanBe() {
        String run = EmbeddedKafka.uniqueSuffix();
        String topic = "away-" + run;
        String group = "away-readers-" + run;
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            topicWithRecords(backend, topic, 4);
            KafkaBackend kafka = (KafkaBackend) backend;
            GroupConsumerConfig config = GroupConsumerConfig.builder(group).maxPollRecords(2).retryBackoffMs(0).build();
            // a first member acks offset 0 and takes offset 1 twice without acking: committed progress to keep
            try (KafkaGroupConsumer first = new KafkaGroupConsumer(kafka, config)) {
                first.subscribe(List.of(topic));
                List<ConsumerRecord> taken = pollFor(first, 2);
                first.ack(taken.get(0));
                first.acknowledge(taken.get(1), AckType.RELEASE);
                ConsumerRecord again = pollFor(first, 1).get(0);
                assertEquals(List.of(1L, 2), List.of(again.offset(), again.deliveryCount()));
                first.commitSync();
            }

            AtomicInteger failures = new AtomicInteger(1);
            KafkaConsumer<byte[], byte[]> flaky = new KafkaConsumer<>(
                    OrderedMemberClient.settings(kafka.config(), config), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()) {
                @Override
                public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
                    if (failures.getAndDecrement() > 0) {
                        throw new TimeoutException("Timeout of 30000ms expired before the last committed offset for "
                                + "partitions " + partitions + " could be determined");
                    }
                    return super.committed(partitions);
                }
            };
            try (KafkaGroupConsumer second = new KafkaGroupConsumer(kafka, config, flaky)) {
                second.subscribe(List.of(topic));
                List<ConsumerRecord> received = pollThroughFailuresFor(second, 3);
                assertEquals(List.of(1L, 2L, 3L), received.stream().map(ConsumerRecord::offset).toList(),
                        "from the first record not done, offset 0 acked before");
                assertEquals(3, received.get(0).deliveryCount(), "offset 1's two deliveries before counted");
                received.forEach(second::ack);
                second.commitSync();
                assertEquals(0, backend.admin().describeGroup(group).totalLag());
            }
        }
    }
}
