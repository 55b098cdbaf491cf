package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link ReplayAndOffsetsContractTest} suite against the embedded in-house log, opened the way an
 * application opens it, on the test's own storage directory.
 */
class InhouseReplayAndOffsetsContractTest extends ReplayAndOffsetsContractTest {

    @Override
    protected QueueBackend open(Path storage) {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "inhouse", "data.dir", storage.toString()));
    }
}
