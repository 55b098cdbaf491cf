package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

/**
 * The {@link DeadLetterContractTest} suite against the real Kafka broker in the test JVM
 * ({@link EmbeddedKafka}: one broker for the whole run), opened the way an application opens it.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaDeadLetterContractTest extends DeadLetterContractTest {

    @Override
    protected QueueBackend open(Path storage) {
        return EmbeddedKafka.openBackend();
    }
}
