package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A group id is one Kafka group type at a time: a SHARED member cannot join an ORDERED group (a
 * Kafka consumer group) that has members, and an empty ORDERED group becomes a share group that
 * starts at its committed position. (The other direction is in the contract suite.)
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaGroupTypesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final TopicPerTest kafka = new TopicPerTest();

    @BeforeEach
    void fourRecords() throws Exception {
        try (Producer producer = kafka.backend().producer()) {
            for (int i = 0; i < 4; i++) {
                producer.send(ProducerRecord.of(kafka.topic(), "k" + i, "v" + i).withPartition(0))
                        .get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sharedMemberJoiningAnOrderedGroupWithMembersIsRefusedNamingBothModes() {
        try (GroupConsumer ordered = member(ConsumptionMode.ORDERED);
             GroupConsumer shared = kafka.backend().groupConsumer(config(ConsumptionMode.SHARED).build())) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> shared.subscribe(List.of(kafka.topic())));
            assertTrue(e.getMessage().contains("SHARED") && e.getMessage().contains("ORDERED"), e.getMessage());
            assertEquals(ordered.memberId(),
                    kafka.backend().admin().describeGroup(kafka.group()).members().get(0).memberId());
        }
    }

    @Test
    void emptyOrderedGroupBecomesSharedAtItsCommittedPosition() {
        try (GroupConsumer ordered = member(ConsumptionMode.ORDERED)) {
            List<ConsumerRecord> first = poll(ordered, 2);
            first.stream().filter(r -> r.offset() < 2).forEach(ordered::ack);
            ordered.commitSync();
        }
        try (GroupConsumer shared = member(ConsumptionMode.SHARED)) {
            List<ConsumerRecord> rest = poll(shared, 2);
            Set<Long> offsets = new TreeSet<>();
            rest.forEach(r -> offsets.add(r.offset()));
            assertEquals(Set.of(2L, 3L), offsets, "the records the ORDERED group had not done, and only those");
            assertTrue(rest.stream().allMatch(r -> r.deliveryCount() == 1), rest.toString());
            rest.forEach(shared::ack);
        }
        assertEquals(4, kafka.backend().admin().describeGroup(kafka.group()).partitions().get(0).committed());
    }

    private GroupConsumerConfig.Builder config(ConsumptionMode mode) {
        return GroupConsumerConfig.builder(kafka.group()).mode(mode).maxPollRecords(2);
    }

    private GroupConsumer member(ConsumptionMode mode) {
        GroupConsumer c = kafka.backend().groupConsumer(config(mode).build());
        c.subscribe(List.of(kafka.topic()));
        return c;
    }

    private static List<ConsumerRecord> poll(GroupConsumer c, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("got " + out + " of " + count + " records in " + WAIT.toSeconds() + " s");
            }
            out.addAll(c.poll(Duration.ofMillis(50)));
        }
        return out;
    }
}
