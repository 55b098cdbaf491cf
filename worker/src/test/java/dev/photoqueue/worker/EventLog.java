package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads {@code photo.events} in a group of its own, as the status view would. Test thread only. */
final class EventLog implements AutoCloseable {

    private final QueueBackend backend;
    private final GroupConsumer consumer;
    private final MessageCodec codec = new MessageCodec();
    private final List<PhotoEvent> events = new ArrayList<>();

    EventLog(QueueBackend backend, String group) {
        this.backend = backend;
        consumer = backend.groupConsumer(GroupConsumerConfig.builder(group).build());
        consumer.subscribe(List.of(Topics.PHOTO_EVENTS));
    }

    /** Reads until {@code done} holds for the events so far, failing after {@code timeout}. */
    List<PhotoEvent> awaitUntil(Predicate<List<PhotoEvent>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(events)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " with " + events.size() + " events: " + events);
            }
            readFor(Duration.ofMillis(50));
        }
        return List.copyOf(events);
    }

    /**
     * Reads until every event {@code photo.events} holds now has been read, failing after
     * {@code timeout}. Called once the workers have stopped, when nothing more can be written, it
     * returns every event there will ever be: an extra event is seen by construction, not by
     * waiting through a window in which it might come.
     */
    List<PhotoEvent> readToEnd(Duration timeout) {
        long stored = backend.admin().describeTopic(Topics.PHOTO_EVENTS).partitions().stream()
                .mapToLong(PartitionInfo::recordCount).sum();
        return awaitUntil(events -> events.size() >= stored, timeout);
    }

    private void readFor(Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        do {
            for (ConsumerRecord r : consumer.poll(Duration.ofMillis(20))) {
                events.add(codec.decodeEvent(r.value()));
                consumer.ack(r);
            }
        } while (System.nanoTime() < deadline);
    }

    static List<PhotoProcessed> processed(List<PhotoEvent> events) {
        return events.stream().filter(PhotoProcessed.class::isInstance).map(PhotoProcessed.class::cast).toList();
    }

    static List<PhotoFailed> failed(List<PhotoEvent> events) {
        return events.stream().filter(PhotoFailed.class::isInstance).map(PhotoFailed.class::cast).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
