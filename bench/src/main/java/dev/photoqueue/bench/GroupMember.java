package dev.photoqueue.bench;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;

import java.time.Duration;
import java.util.List;

/**
 * One member of the benchmark group on a thread of its own: subscribes, then polls and acks every
 * record, one by one, until the round's {@link AckTally} is complete or it is stopped; each
 * record is checked by an {@link OrderedDeliveryCheck}. An {@link Observer} sees every batch at
 * the moment poll returned it, before the acks. The member leaves the group when its thread ends.
 * Other threads read its progress through {@link #owned()} only.
 */
final class GroupMember implements Runnable {

    /** Sees each batch a poll returned, on the member's thread. */
    @FunctionalInterface
    interface Observer {
        Observer NONE = (records, receivedNanos) -> {
        };

        void delivered(List<ConsumerRecord> records, long receivedNanos);
    }

    /** Short enough that a stopped member notices within a tenth of a second. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final String name;
    private final GroupConsumer consumer;
    private final AckTally tally;
    private final Observer observer;
    private final OrderedDeliveryCheck check;
    private final String topic;
    private final Thread thread;
    private volatile int owned;
    private volatile boolean stopped;

    private GroupMember(String name, GroupConsumer consumer, String topic, AckTally tally, Observer observer,
                        int valueSize) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.tally = tally;
        this.observer = observer;
        this.check = new OrderedDeliveryCheck(name, topic, valueSize);
        this.thread = new Thread(this, name);
    }

    /** Starts a member thread that subscribes {@code consumer} to {@code topic}. */
    static GroupMember start(String name, GroupConsumer consumer, String topic, AckTally tally, Observer observer,
                             int valueSize) {
        GroupMember member = new GroupMember(name, consumer, topic, tally, observer, valueSize);
        member.thread.start();
        return member;
    }

    @Override
    public void run() {
        try (consumer) {
            consumer.subscribe(List.of(topic));
            while (!stopped && !tally.isComplete()) {
                List<ConsumerRecord> records = consumer.poll(POLL_TIMEOUT);
                owned = consumer.assignment().size();
                if (records.isEmpty()) {
                    continue;
                }
                observer.delivered(records, System.nanoTime());
                for (ConsumerRecord r : records) {
                    check.check(r);
                    consumer.ack(r);
                }
                tally.add(records.size());
            }
        } catch (RuntimeException | Error e) {
            tally.fail(name, e);
        }
    }

    /** The partitions this member owned after its last poll. */
    int owned() {
        return owned;
    }

    String name() {
        return name;
    }

    /** Asks the member to stop after its current poll and waits until it has left the group. */
    void stop() throws InterruptedException {
        stopped = true;
        thread.join();
    }
}
