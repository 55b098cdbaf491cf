package dev.photoqueue.worker;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Path;
import java.util.Map;

/** The delivery guarantees under chaos on the in-house log. */
class InhouseDeliveryGuaranteesUnderChaosTest extends DeliveryGuaranteesUnderChaosTest {

    @Override
    QueueBackend openBackend(Path dir) {
        return QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
    }
}
