package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A group member as a contract test drives it: the consumer, what its rebalance listener was told,
 * every record it received in order, and the ones it has not acked yet. With {@link OnRevoke#FINISH}
 * it acks its in-flight records of revoked partitions inside the revoke callback; with
 * {@link OnRevoke#GIVE_UP} it drops them unacked. Single-threaded.
 */
final class TestMember implements AutoCloseable {

    /** What the member does with in-flight records of partitions it is losing. */
    enum OnRevoke {
        FINISH,
        GIVE_UP
    }

    /** Whether records are acked as soon as they arrive. */
    enum Acks {
        AT_ONCE,
        BY_TEST
    }

    final GroupConsumer consumer;
    final RecordingListener listener;
    private final Acks acks;
    private final List<ConsumerRecord> received = new ArrayList<>();
    private final Map<TopicPartition, List<ConsumerRecord>> inFlight = new TreeMap<>();
    private boolean closed;

    TestMember(GroupConsumer consumer, Acks acks, OnRevoke onRevoke) {
        this.consumer = consumer;
        this.acks = acks;
        this.listener = new RecordingListener(partitions -> {
            for (TopicPartition tp : partitions) {
                List<ConsumerRecord> records = inFlight.remove(tp);
                if (records != null && onRevoke == OnRevoke.FINISH) {
                    records.forEach(consumer::ack);
                }
            }
        });
    }

    void subscribe(String... topics) {
        consumer.subscribe(List.of(topics), listener);
    }

    /** One poll; the records are kept (and acked at once with {@link Acks#AT_ONCE}). */
    List<ConsumerRecord> poll(Duration timeout) {
        List<ConsumerRecord> records = consumer.poll(timeout);
        for (ConsumerRecord r : records) {
            received.add(r);
            if (acks == Acks.AT_ONCE) {
                consumer.ack(r);
            } else {
                inFlight.computeIfAbsent(r.topicPartition(), tp -> new ArrayList<>()).add(r);
            }
        }
        return records;
    }

    /** Acks the received record of this partition and offset. */
    void ack(TopicPartition tp, long offset) {
        ConsumerRecord record = received(tp, offset);
        consumer.ack(record);
        List<ConsumerRecord> pending = inFlight.get(tp);
        if (pending != null) {
            pending.remove(record);
        }
    }

    /** The last received record of this partition and offset; fails when there is none. */
    ConsumerRecord received(TopicPartition tp, long offset) {
        for (int i = received.size() - 1; i >= 0; i--) {
            ConsumerRecord r = received.get(i);
            if (r.topicPartition().equals(tp) && r.offset() == offset) {
                return r;
            }
        }
        throw new AssertionError(memberId() + " never received " + tp + "@" + offset + "; it has " + offsets());
    }

    List<ConsumerRecord> received() {
        return List.copyOf(received);
    }

    List<ConsumerRecord> received(TopicPartition tp) {
        return received.stream().filter(r -> r.topicPartition().equals(tp)).toList();
    }

    /** The offsets received from this partition, in the order they arrived. */
    List<Long> offsets(TopicPartition tp) {
        return received(tp).stream().map(ConsumerRecord::offset).toList();
    }

    /** Received offsets by partition, for failure messages. */
    Map<TopicPartition, List<Long>> offsets() {
        Map<TopicPartition, List<Long>> byPartition = new TreeMap<>();
        for (ConsumerRecord r : received) {
            byPartition.computeIfAbsent(r.topicPartition(), tp -> new ArrayList<>()).add(r.offset());
        }
        return byPartition;
    }

    int receivedCount() {
        return received.size();
    }

    Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    String memberId() {
        return consumer.memberId();
    }

    boolean isClosed() {
        return closed;
    }

    /** The rebalance listener's story stayed consistent. */
    List<String> listenerErrors() {
        return listener.errors();
    }

    static boolean disjoint(Collection<TestMember> members) {
        Set<TopicPartition> seen = new java.util.HashSet<>();
        for (TestMember m : members) {
            for (TopicPartition tp : m.assignment()) {
                if (!seen.add(tp)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            consumer.close();
        }
    }

    @Override
    public String toString() {
        return memberId() + " owning " + (closed ? "nothing (closed)" : assignment()) + ", received " + offsets();
    }
}
