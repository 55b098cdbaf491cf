package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackendProvider;

import java.util.Map;

/** Registers Apache Kafka as the backend named {@code kafka}; see {@link KafkaConfig} for its settings. */
public final class KafkaBackendProvider implements QueueBackendProvider {

    public static final String NAME = "kafka";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public QueueBackend open(Map<String, String> settings) {
        return KafkaBackend.open(KafkaConfig.parse(settings));
    }
}
