package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Map;

/**
 * The exactly-once contract against a real Kafka broker inside the test JVM: Kafka transactions,
 * {@code sendOffsetsToTransaction} and {@code read_committed} consumers.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaTransactionContractTest extends TransactionContractTest {

    @Override
    protected QueueBackend open(Path storage) {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", EmbeddedKafka.bootstrapServers()));
    }
}
