package dev.photoqueue.queue.api;

import java.util.Map;

/**
 * The service-provider interface a backend implements, found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.photoqueue.queue.api.QueueBackendProvider}).
 */
public interface QueueBackendProvider {

    /** The value of the {@code backend} setting that selects this provider. */
    String name();

    /** Opens the backend with string settings; {@link InvalidConfigException} names a bad one. */
    QueueBackend open(Map<String, String> settings);
}
