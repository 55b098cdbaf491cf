package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

/**
 * The {@link BackPressureContractTest} suite against the real Kafka broker in the test JVM
 * ({@link EmbeddedKafka}: one broker for the whole run), opened the way an application opens it.
 * What Kafka cannot pass is disabled here, each saying why; docs/kafka.md's table of backend
 * differences lists it.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaBackPressureContractTest extends BackPressureContractTest {

    private static final String NO_BACKLOG = "Kafka has no producer back pressure from consumer lag: the kafka "
            + "backend refuses max.backlog.records/max.backlog.bytes when a topic is created";

    @Override
    protected QueueBackend open(Path storage) {
        return EmbeddedKafka.openBackend();
    }

    @Test
    @Disabled(NO_BACKLOG)
    @Override
    void trySendFailsOnceTheSlowestGroupIsAtTheBacklogLimitAndPassesAfterItAcks() {
    }

    @Test
    @Disabled(NO_BACKLOG)
    @Override
    void sendWaitsWhileTheBacklogIsFullAndCompletesOnceTheGroupCatchesUp() {
    }
}
