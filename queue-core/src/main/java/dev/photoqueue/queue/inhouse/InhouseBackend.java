package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.TopicLog;

import java.util.Map;

/**
 * The queue API over the embedded log: producers append to partitions, consumers read them,
 * the admin creates and describes topics. Owns the {@link LogManager} and closes it last.
 */
final class InhouseBackend implements QueueBackend {

    private final InhouseConfig config;
    private final LogManager log;

    private InhouseBackend(InhouseConfig config, LogManager log) {
        this.config = config;
        this.log = log;
    }

    static InhouseBackend open(InhouseConfig config) {
        return new InhouseBackend(config, LogManager.open(config.dataDir(), config.logOptions()));
    }

    @Override
    public String name() {
        return InhouseBackendProvider.NAME;
    }

    @Override
    public Producer producer() {
        return new InhouseProducer(this);
    }

    @Override
    public Consumer consumer(ConsumerConfig consumerConfig) {
        return new InhouseConsumer(this, consumerConfig);
    }

    @Override
    public Admin admin() {
        return new InhouseAdmin(log);
    }

    LogManager log() {
        return log;
    }

    /** The topic, created with the default partition count if absent and automatic creation is on. */
    TopicLog topic(String name) {
        return log.findTopic(name).orElseGet(() -> {
            if (!config.autoCreateTopics()) {
                throw new UnknownTopicException(name);
            }
            synchronized (log) {
                return log.findTopic(name)
                        .orElseGet(() -> log.createTopic(name, config.defaultPartitions(), Map.of()));
            }
        });
    }

    @Override
    public void close() {
        log.close();
    }
}
