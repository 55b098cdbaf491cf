package dev.photoqueue.queue.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Opens the backend a configuration names. The application's only way in to the queue. */
public final class QueueBackends {

    /** Setting that selects the backend; {@value #DEFAULT_BACKEND} when absent. */
    public static final String BACKEND = "backend";
    public static final String DEFAULT_BACKEND = "inhouse";

    private QueueBackends() {
    }

    public static QueueBackend open(Map<String, String> settings) {
        String name = settings.getOrDefault(BACKEND, DEFAULT_BACKEND).trim();
        List<String> known = new ArrayList<>();
        for (QueueBackendProvider provider : ServiceLoader.load(QueueBackendProvider.class)) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider.open(settings);
            }
            known.add(provider.name());
        }
        throw new InvalidConfigException(BACKEND, name, "no such queue backend; available: " + known);
    }
}
