package dev.photoqueue.queue.api;

/**
 * One queue backend: the embedded in-house log or a Kafka cluster. The application holds one per
 * process and obtains producers, consumers and the admin from it. Thread-safe.
 *
 * <p>Closing the backend closes what it handed out; records acknowledged before are kept.
 */
public interface QueueBackend extends AutoCloseable {

    /** The backend's name as configured: {@code inhouse} or {@code kafka}. */
    String name();

    Producer producer();

    Consumer consumer(ConsumerConfig config);

    /** A new member of the consumer group {@code config.groupId()}; it joins on subscribe. */
    GroupConsumer groupConsumer(GroupConsumerConfig config);

    Admin admin();

    @Override
    void close();
}
