package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Path;
import java.util.Map;

/** The exactly-once contract against the embedded in-house log. */
class InhouseTransactionContractTest extends TransactionContractTest {

    @Override
    protected QueueBackend open(Path storage) {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "inhouse", "data.dir", storage.toString()));
    }
}
