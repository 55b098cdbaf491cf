package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.kafka.ShareLane.Position;
import dev.photoqueue.queue.spi.MemberChecks;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A member of a SHARED group over a Kafka share group (KIP-932): no partition is owned, the broker
 * locks each record it hands out to the member for the group's lock duration (the visibility
 * timeout) and counts its deliveries itself, so delivery counts survive any consumer crash.
 *
 * <p>Kafka's share consumer, in explicit acknowledgement mode, refuses to poll while a record of
 * its previous poll is unacknowledged; the queue API lets a member poll with records in flight. So
 * a member holds up to {@value #MAX_LANES} share consumers ("lanes", {@link ShareLane}) of the
 * same group: a poll uses the first idle lane (all records of its last poll settled), opens a new
 * one while all are busy, and returns nothing when the cap is reached. Each delivered record is
 * acknowledged through the lane that received it.
 *
 * <p>Guarantees. Every acknowledgement waits for the broker's answer ({@code commitSync}): ACCEPT
 * returning normally means done for the group; the broker refusing it (lock expired, record
 * delivered again since) throws {@link FencedMemberException}. A record delivered more than
 * {@code maxDeliveries} times (the broker's count, which a crash cannot lose) is written to
 * {@code <topic>.dlq} with the headers of {@link dev.photoqueue.queue.api.DeadLetters}, then
 * accepted; a RELEASE of a record at its last delivery dead-letters it at once, so the release's
 * error reaches the dead letter. Under at-most-once each record is accepted before the poll
 * returns it. Closing leaves the group; Kafka releases what the member held at once.
 *
 * <p>Limit: Kafka 4.3.1's share consumer may send one more fetch after a poll (KAFKA-20015) and keeps
 * what it locks for that consumer's next poll. Records so fetched by a lane that stays busy (or a
 * member that stops polling) are delivered again, count one higher, only once their lock ends.
 *
 * <p>Not thread-safe, like every member: one thread polls and acks.
 */
final class KafkaShareGroupConsumer implements GroupConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaShareGroupConsumer.class);
    /** The most share consumers one member holds: each is a Kafka group member with its own connections. */
    static final int MAX_LANES = 8;
    /** How many settled records a member remembers, so that acking one twice stays harmless. */
    private static final int SETTLED_REMEMBERED = 10_000;
    /** Separates the member id from a lane's number in a lane's Kafka client id. */
    static final String LANE_SEPARATOR = "#";

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final String memberId;
    private final long lockMs;
    private final List<ShareLane> lanes = new ArrayList<>();
    /** Records this member settled for good, with the delivery count they had: a second ack of them is harmless. */
    private final Map<Position, Integer> settled = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Position, Integer> eldest) {
            return size() > SETTLED_REMEMBERED;
        }
    };
    private Set<String> topics;
    private int lanesOpened;
    private boolean closed;

    KafkaShareGroupConsumer(KafkaBackend backend, GroupConsumerConfig config) {
        this.backend = backend;
        this.config = config;
        this.memberId = config.clientId() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000,
                Integer.MAX_VALUE));
        this.lockMs = ShareGroupSettings.lockMs(config);
        if (lockMs != config.visibilityTimeoutMs()) {
            LOG.info("group {}: visibility timeout {} ms raised to Kafka's shortest share lock, {} ms",
                    config.groupId(), config.visibilityTimeoutMs(), lockMs);
        }
    }

    @Override
    public void subscribe(Collection<String> newTopics, RebalanceListener ignored) {
        MemberChecks.ensureUnsubscribed(closed, topics != null, config.groupId(), memberId(), topics);
        Set<String> checked = backend.subscribableTopics(newTopics);
        KafkaGroupTypes.requireShareOrAbsent(backend, config.groupId());
        ShareGroupSettings.apply(backend, config);
        topics = checked;
        // Kafka lists the member once its first poll joined the group; polling here would lock records.
        lanes.add(openLane());
    }

    private ShareLane openLane() {
        Map<String, Object> props = backend.config().clientBase();
        String clientId = memberId + LANE_SEPARATOR + lanesOpened++;
        props.put("group.id", config.groupId());
        props.put("client.id", clientId);
        props.put("share.acknowledgement.mode", "explicit");
        // At most max.poll.records locked per fetch, not whole record batches beyond it.
        props.put("share.acquire.mode", "record_limit");
        props.put("max.poll.records", config.maxPollRecords());
        props.put("max.partition.fetch.bytes", config.fetchMaxBytes());
        try {
            KafkaShareConsumer<byte[], byte[]> consumer =
                    new KafkaShareConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(topics);
            return new ShareLane(consumer, clientId);
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), "join share group " + config.groupId(), null);
        }
    }

    // ------------------------------------------------------------------ poll

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        MemberChecks.ensureSubscribed(closed, topics != null, config.groupId());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            abandonExpiredLanes();
            List<ConsumerRecord> waiting = drainWaiting();
            if (!waiting.isEmpty()) {
                return Collections.unmodifiableList(waiting);
            }
            ShareLane lane = idleLane();
            long left = Math.max(0, deadline - System.nanoTime());
            if (lane == null) {
                if (left == 0) {
                    return List.of();
                }
                // Every lane holds records: wait for an ack or an expiry (this thread does the acks, so: expiry).
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                continue;
            }
            List<ConsumerRecord> out;
            try {
                out = handOut(lane, lane.poll(Duration.ofNanos(left), lockMs));
            } catch (KafkaException e) {
                throw KafkaErrors.translate(e, backend.config(), "poll as member of share group " + config.groupId(),
                        null);
            }
            if (!out.isEmpty() || deadline - System.nanoTime() <= 0) {
                return Collections.unmodifiableList(out);
            }
        }
    }

    /**
     * What lanes hold without having handed it out: records Kafka returned while a lane polled
     * renewed records back, and records an armed lane's fetch brought since it was last polled
     * (polled without waiting, so they do not sit locked and unseen until their lock ends).
     */
    private List<ConsumerRecord> drainWaiting() {
        List<ConsumerRecord> out = new ArrayList<>();
        try {
            for (ShareLane lane : lanes) {
                out.addAll(handOut(lane, lane.takePending()));
                if (lane.armed()) {
                    out.addAll(handOut(lane, lane.poll(Duration.ZERO, lockMs)));
                }
            }
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), "poll as member of share group " + config.groupId(),
                    null);
        }
        return out;
    }

    /** The first lane that may poll, opening one while all are busy and the cap allows; null when none. */
    private ShareLane idleLane() {
        for (ShareLane lane : lanes) {
            if (lane.idle()) {
                return lane;
            }
        }
        if (lanes.size() >= MAX_LANES) {
            return null;
        }
        ShareLane lane = openLane();
        lanes.add(lane);
        return lane;
    }

    /** Frees the lanes whose records' locks ended unacked: those records are the broker's again. */
    private void abandonExpiredLanes() {
        long now = System.nanoTime();
        for (ShareLane lane : lanes) {
            if (lane.expired(now)) {
                List<Position> gone = lane.abandonExpired();
                LOG.info("member {} of group {}: locks on {} ended before they were acked; they are available to "
                        + "the group again", memberId, config.groupId(), gone);
            }
        }
    }

    /**
     * Turns a lane's records into deliveries: dead-letters the ones past {@code maxDeliveries},
     * accepts the rest at once under at-most-once (a refused accept drops the record: it is not this
     * member's), and returns the others.
     */
    private List<ConsumerRecord> handOut(ShareLane lane,
                                         List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> fetched) {
        List<ConsumerRecord> out = new ArrayList<>();
        for (var r : fetched) {
            ConsumerRecord record = KafkaQueueConsumer.fromKafka(r, r.deliveryCount().orElse((short) 1));
            Position position = Position.of(record);
            if (record.deliveryCount() > config.maxDeliveries()) {
                backend.deadLetters().write(config.groupId(), record, record.deliveryCount() - 1,
                        DeadLetterCause.MAX_DELIVERIES, DeadLetters.pastMaxDeliveriesError(null, record.deliveryCount() - 1));
                settleAfterDeadLetter(lane, position, record);
                continue;
            }
            if (config.delivery() == DeliveryGuarantee.AT_MOST_ONCE) {
                Optional<String> refused = lane.settle(position, AcknowledgeType.ACCEPT);
                if (refused.isPresent()) {
                    LOG.warn("member {} of group {}: Kafka refused to accept {} before handing it out; skipped: {}",
                            memberId, config.groupId(), record, refused.get());
                    continue;
                }
                settled.put(position, record.deliveryCount());
            }
            out.add(record);
        }
        return out;
    }

    /** Accepts a record whose dead letter is written; a refusal means it may come again and be dead-lettered twice. */
    private void settleAfterDeadLetter(ShareLane lane, Position position, ConsumerRecord record) {
        Optional<String> refused = lane.settle(position, AcknowledgeType.ACCEPT);
        if (refused.isPresent()) {
            LOG.warn("member {} of group {}: {} is dead-lettered but Kafka refused to accept it ({}); it may be "
                    + "dead-lettered again", memberId, config.groupId(), record, refused.get());
        } else {
            settled.put(position, record.deliveryCount());
        }
    }

    // ------------------------------------------------------------------ acks

    /**
     * Settles the record through the lane that received it, waiting for the broker.
     * {@link FencedMemberException} when this member holds no lock on this delivery of it (the lock
     * expired, it was settled with another outcome, or delivered again since) or the broker refuses.
     */
    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        MemberChecks.ensureSubscribed(closed, topics != null, config.groupId());
        Position position = Position.of(record);
        if ((type == AckType.ACCEPT || type == AckType.REJECT)
                && Integer.valueOf(record.deliveryCount()).equals(settled.get(position))) {
            return; // done already: acking twice is harmless
        }
        ShareLane lane = holder(position, record.deliveryCount());
        if (lane == null) {
            throw fenced(record, "it holds no lock on " + position.topicPartition() + "@" + position.offset()
                    + " with delivery count " + record.deliveryCount() + " (the lock ended, the record was settled,"
                    + " or it was delivered again since)");
        }
        if (lane.expired(System.nanoTime())) {
            // Not sent: the broker's lock has ended by now, and the broker might even take the ack if
            // this member's consumer locked the record again meanwhile (a fetch ahead), as another delivery.
            List<Position> gone = lane.abandonExpired();
            throw fenced(record, "its lock on " + position.topicPartition() + "@" + position.offset() + " ended ("
                    + lockMs + " ms after the poll or the last renewal); given up with it: " + gone);
        }
        try {
            switch (type) {
                case ACCEPT -> settle(lane, position, record, AcknowledgeType.ACCEPT);
                case RENEW -> settle(lane, position, record, AcknowledgeType.RENEW);
                case REJECT -> {
                    backend.deadLetters().write(config.groupId(), record, record.deliveryCount(),
                            DeadLetterCause.REJECTED, error);
                    settleAfterDeadLetter(lane, position, record);
                }
                case RELEASE -> {
                    if (record.deliveryCount() >= config.maxDeliveries()) {
                        // Its next delivery would pass the maximum: dead-letter it now, with the release's error.
                        backend.deadLetters().write(config.groupId(), record, record.deliveryCount(),
                                DeadLetterCause.MAX_DELIVERIES, error);
                        settleAfterDeadLetter(lane, position, record);
                    } else {
                        settle(lane, position, record, AcknowledgeType.RELEASE);
                    }
                }
            }
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), type + " " + record + " in share group "
                    + config.groupId(), record.topic());
        }
    }

    private void settle(ShareLane lane, Position position, ConsumerRecord record, AcknowledgeType type) {
        Optional<String> refused = type == AcknowledgeType.RENEW
                ? lane.renew(position, lockMs, backend.config().requestTimeoutMs())
                : lane.settle(position, type);
        if (refused.isPresent()) {
            throw fenced(record, "Kafka refused " + type + " of " + position.topicPartition() + "@" + position.offset()
                    + " (its lock ended or it was delivered again): " + refused.get());
        }
        if (type == AcknowledgeType.ACCEPT) {
            settled.put(position, record.deliveryCount());
        }
    }

    /** The lane holding this delivery of the record, or null. */
    private ShareLane holder(Position position, int deliveryCount) {
        for (ShareLane lane : lanes) {
            if (lane.deliveryCount(position).filter(c -> c == deliveryCount).isPresent()) {
                return lane;
            }
        }
        return null;
    }

    /** Nothing to do: every acknowledgement was committed when it was made. */
    @Override
    public void commitSync() {
        MemberChecks.ensureSubscribed(closed, topics != null, config.groupId());
    }

    // ------------------------------------------------------------------ the rest

    /** Empty: a SHARED member owns no partitions. */
    @Override
    public Set<TopicPartition> assignment() {
        return new LinkedHashSet<>();
    }

    @Override
    public String groupId() {
        return config.groupId();
    }

    /**
     * This member's id: its client id and a random suffix. Its lanes' Kafka client ids start with
     * it, which is how {@link KafkaQueueAdmin#describeGroup} lists them as one member.
     */
    @Override
    public String memberId() {
        return topics == null ? null : memberId;
    }

    private FencedMemberException fenced(ConsumerRecord record, String reason) {
        return new FencedMemberException(config.groupId(), memberId, record.topicPartition(), reason);
    }

    /** Leaves the group with every lane; Kafka makes what they held available to the others at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (ShareLane lane : lanes) {
                try {
                    lane.close();
                } catch (KafkaException e) {
                    LOG.warn("member {} of group {}: lane {} did not close cleanly; Kafka releases its records when "
                            + "the lock ends: {}", memberId, config.groupId(), lane.clientId(),
                            StorageException.reason(e));
                }
            }
            lanes.clear();
        } finally {
            backend.closed(this);
        }
    }
}
