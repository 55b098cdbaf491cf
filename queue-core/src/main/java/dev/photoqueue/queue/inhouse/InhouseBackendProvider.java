package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackendProvider;

import java.util.Map;

/** Registers the embedded log as the backend named {@code inhouse}. */
public final class InhouseBackendProvider implements QueueBackendProvider {

    public static final String NAME = "inhouse";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public QueueBackend open(Map<String, String> settings) {
        return InhouseBackend.open(InhouseConfig.parse(settings));
    }
}
