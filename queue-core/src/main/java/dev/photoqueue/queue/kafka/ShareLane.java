package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link KafkaShareConsumer} of a SHARED member, in explicit acknowledgement mode, with the
 * records of its last poll that are not settled yet. Kafka refuses to poll such a consumer again
 * until every record of its last poll is acknowledged, while the queue API lets a member poll with
 * records in flight: so a member holds several lanes and polls an idle one
 * ({@link KafkaShareGroupConsumer}).
 *
 * <p>Guarantee: {@link #settle} returns only once the broker answered the acknowledgement
 * ({@code commitSync}), so an ACCEPT that returned normally is done for the group, and a refused
 * one (the lock expired, the record went elsewhere) comes back as a reason rather than silently.
 * Thread-safety: every method holds the lane's monitor, so acks may come from another thread than
 * the polls, one at a time, as Kafka's consumer requires.
 */
final class ShareLane implements AutoCloseable {

    /** Where a record is: its partition and offset. */
    record Position(TopicPartition topicPartition, long offset) {
        static Position of(dev.photoqueue.queue.api.ConsumerRecord r) {
            return new Position(r.topicPartition(), r.offset());
        }
    }

    private final KafkaShareConsumer<byte[], byte[]> consumer;
    private final String clientId;
    /** Records of the last poll without a final acknowledgement (ACCEPT, RELEASE or REJECT). */
    private final Map<Position, ConsumerRecord<byte[], byte[]>> unsettled = new HashMap<>();
    /** Records Kafka returned while the lane polled renewed records back; the next poll returns them. */
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    /** The last poll came back empty: Kafka's consumer goes on fetching for this lane. */
    private boolean armed;
    /** System.nanoTime after which the broker has surely released whatever this lane still holds. */
    private long lockDeadlineNanos;
    private boolean closed;

    ShareLane(KafkaShareConsumer<byte[], byte[]> consumer, String clientId) {
        this.consumer = consumer;
        this.clientId = clientId;
    }

    String clientId() {
        return clientId;
    }

    /** True when Kafka lets this lane poll: every record of its last poll has a final acknowledgement. */
    synchronized boolean idle() {
        return !closed && unsettled.isEmpty();
    }

    /** True when the lane holds records and their locks have ended by the broker's clock as well. */
    synchronized boolean expired(long nowNanos) {
        return !unsettled.isEmpty() && nowNanos - lockDeadlineNanos > 0;
    }

    /**
     * The records Kafka returned while the lane polled renewed records back: held by the lane
     * (unsettled) but not handed out yet.
     */
    synchronized List<ConsumerRecord<byte[], byte[]>> takePending() {
        List<ConsumerRecord<byte[], byte[]>> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /**
     * Polls Kafka for at most {@code timeout}. Every record returned is unsettled from then on; the
     * lane counts its lock as ended {@code lockMs} after this call returned: the broker locked it
     * before that, so by then its lock has surely ended (it may end earlier, for a record Kafka's
     * consumer fetched ahead and kept).
     */
    synchronized List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout, long lockMs) {
        if (!unsettled.isEmpty()) {
            throw new IllegalStateException("lane " + clientId + " still holds " + unsettled.keySet());
        }
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (var r : consumer.poll(timeout)) {
            unsettled.put(positionOf(r), r);
            out.add(r);
        }
        lockDeadlineNanos = System.nanoTime() + Duration.ofMillis(lockMs).toNanos();
        // Kafka's consumer keeps fetching until a fetch brings records; those wait in it for the next poll.
        armed = out.isEmpty();
        return out;
    }

    /**
     * True when a poll of this lane came back empty and nothing has arrived since: Kafka's consumer
     * is still fetching for it, and whatever that fetch locks waits inside it until the lane is
     * polled again, so such a lane should be polled soon rather than left alone.
     */
    synchronized boolean armed() {
        return armed && idle();
    }

    private static Position positionOf(ConsumerRecord<byte[], byte[]> r) {
        return new Position(new TopicPartition(r.topic(), r.partition()), r.offset());
    }

    /** The delivery count of the unsettled record at {@code position}, or empty when this lane does not hold it. */
    synchronized Optional<Integer> deliveryCount(Position position) {
        var r = unsettled.get(position);
        return r == null ? Optional.empty() : Optional.of((int) r.deliveryCount().orElse((short) 1));
    }

    /**
     * Acknowledges the held record at {@code position} with a final {@code type} (ACCEPT, RELEASE or
     * REJECT) and waits for the broker's answer. Returns empty when the broker took it, else the
     * broker's reason for refusing it. Either way the record is no longer this lane's.
     */
    synchronized Optional<String> settle(Position position, AcknowledgeType type) {
        if (type == AcknowledgeType.RENEW) {
            throw new IllegalArgumentException("RENEW does not settle " + position + "; use renew");
        }
        var r = unsettled.remove(position);
        if (r == null) {
            throw new IllegalStateException("lane " + clientId + " does not hold " + position);
        }
        consumer.acknowledge(r, type);
        return refusal(consumer.commitSync(), position.topicPartition());
    }

    /**
     * Extends the lock on the record at {@code position}, and on every other record this lane holds:
     * Kafka's share consumer takes a renewed record out of its batch and hands it back only with
     * the next poll (KAFKA-20458), and it refuses that poll while any record of the batch has no
     * acknowledgement, so the lane renews them all and polls them back, waiting at most
     * {@code timeoutMs}. Records Kafka fetched meanwhile are kept for the lane's next poll. Returns
     * the broker's reason when it refused the renewal of the record's partition; that partition's
     * records are then no longer this lane's.
     */
    synchronized Optional<String> renew(Position position, long lockMs, long timeoutMs) {
        if (!unsettled.containsKey(position)) {
            throw new IllegalStateException("lane " + clientId + " does not hold " + position);
        }
        unsettled.values().forEach(r -> consumer.acknowledge(r, AcknowledgeType.RENEW));
        Map<TopicIdPartition, Optional<KafkaException>> answers = consumer.commitSync();
        Set<TopicPartition> refusedPartitions = new HashSet<>();
        answers.forEach((tip, error) -> {
            if (error.isPresent()) {
                refusedPartitions.add(new TopicPartition(tip.topic(), tip.partition()));
            }
        });
        unsettled.keySet().removeIf(p -> refusedPartitions.contains(p.topicPartition()));
        reclaim(timeoutMs);
        // The broker renewed the locks, and locked what the polls back brought, before now: all end by lockMs from now.
        lockDeadlineNanos = Math.max(lockDeadlineNanos, System.nanoTime() + Duration.ofMillis(lockMs).toNanos());
        return refusal(answers, position.topicPartition());
    }

    /** Polls until Kafka handed back every renewed record; records new to the lane go to {@link #pending}. */
    private void reclaim(long timeoutMs) {
        Set<Position> missing = new HashSet<>(unsettled.keySet());
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        while (!missing.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new QueueException("Kafka's share consumer " + clientId + " did not hand back the renewed records "
                        + missing + " within " + timeoutMs + " ms");
            }
            for (var r : consumer.poll(Duration.ofMillis(5))) {
                Position p = positionOf(r);
                if (!missing.remove(p) && !unsettled.containsKey(p)) {
                    pending.add(r);
                }
                unsettled.put(p, r);
            }
        }
    }

    private static Optional<String> refusal(Map<TopicIdPartition, Optional<KafkaException>> answers,
                                            TopicPartition tp) {
        for (var e : answers.entrySet()) {
            if (e.getKey().topic().equals(tp.topic()) && e.getKey().partition() == tp.partition()
                    && e.getValue().isPresent()) {
                return Optional.of(StorageException.reason(e.getValue().get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Gives up every held record whose lock has ended: tells Kafka RELEASE for each (the broker
     * refuses, as the locks are gone, which is expected) so the lane may poll again. Returns what
     * was given up; acks for them are fenced from now on.
     */
    synchronized List<Position> abandonExpired() {
        List<Position> out = new ArrayList<>(unsettled.keySet());
        for (var r : unsettled.values()) {
            consumer.acknowledge(r, AcknowledgeType.RELEASE);
        }
        unsettled.clear();
        if (!out.isEmpty()) {
            consumer.commitSync();
        }
        return out;
    }

    /** Leaves the group: Kafka releases what this lane holds at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        unsettled.clear();
        consumer.close();
    }
}
