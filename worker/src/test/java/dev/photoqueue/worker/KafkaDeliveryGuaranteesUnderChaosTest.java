package dev.photoqueue.worker;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

/**
 * The delivery guarantees under chaos on a real Kafka broker in the test JVM: exactly-once with
 * Kafka transactions read {@code read_committed}, each dead worker's open transaction aborted when
 * its replacement takes over the slot's {@code transactional.id}.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaDeliveryGuaranteesUnderChaosTest extends DeliveryGuaranteesUnderChaosTest {

    @Override
    QueueBackend openBackend(Path dir) {
        return EmbeddedKafka.openBackend();
    }
}
