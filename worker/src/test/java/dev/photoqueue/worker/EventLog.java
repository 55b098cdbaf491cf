package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoReleased;
import dev.photoqueue.worker.job.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads {@code photo.events} in a group of its own, as the status view would: the outcomes
 * ({@link PhotoProcessed}, {@link PhotoFailed}) as {@code events}, the workers' announcements of
 * their deliveries ({@link PhotoDelivered}) and releases ({@link PhotoReleased}) apart. Test
 * thread only.
 */
final class EventLog implements AutoCloseable {

    private final QueueBackend backend;
    private final Consumer consumer;
    private final MessageCodec codec = new MessageCodec();
    private final List<PhotoEvent> events = new ArrayList<>();
    private final List<PhotoDelivered> deliveries = new ArrayList<>();
    private final List<PhotoReleased> releases = new ArrayList<>();

    /**
     * Reads every partition of {@code photo.events} from its start, once the topic exists (a pool
     * started after this creates it).
     */
    EventLog(QueueBackend backend) {
        this.backend = backend;
        consumer = backend.consumer(ConsumerConfig.DEFAULTS);
    }

    private boolean assigned() {
        if (!consumer.assignment().isEmpty()) {
            return true;
        }
        if (!backend.admin().listTopics().contains(Topics.PHOTO_EVENTS)) {
            return false;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : backend.admin().describeTopic(Topics.PHOTO_EVENTS).partitions()) {
            partitions.add(new TopicPartition(Topics.PHOTO_EVENTS, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return true;
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
        // By position, not by count: on Kafka transaction markers and aborted records take offsets too.
        if (!assigned()) {
            throw new AssertionError(Topics.PHOTO_EVENTS + " does not exist");
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return awaitUntil(events -> ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                timeout);
    }

    private void readFor(Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        if (!assigned()) {
            return;
        }
        do {
            for (ConsumerRecord r : consumer.poll(Duration.ofMillis(20))) {
                PhotoEvent event = codec.decodeEvent(r.value());
                if (event instanceof PhotoDelivered delivered) {
                    deliveries.add(delivered);
                } else if (event instanceof PhotoReleased released) {
                    releases.add(released);
                } else {
                    events.add(event);
                }

            }
        } while (System.nanoTime() < deadline);
    }

    /** The releases announced so far (jobs given back as transient failures), in the order read. */
    List<PhotoReleased> releases() {
        return List.copyOf(releases);
    }

    /** The deliveries announced so far, in the order read. */
    List<PhotoDelivered> deliveries() {
        return List.copyOf(deliveries);
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
