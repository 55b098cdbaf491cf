package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.spi.BackendSettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the Kafka backend, from the string settings handed to
 * {@link dev.photoqueue.queue.api.QueueBackends#open} (the application maps the environment
 * variables {@code QUEUE_BACKEND=kafka} and {@code KAFKA_BOOTSTRAP_SERVERS} onto {@code backend}
 * and {@code kafka.bootstrap.servers}):
 *
 * <table>
 * <caption>settings</caption>
 * <tr><td>{@code kafka.bootstrap.servers}</td><td>host:port list of brokers</td><td>{@code localhost:9092}</td></tr>
 * <tr><td>{@code kafka.connect.timeout.ms}</td><td>how long opening the backend waits for the
 * cluster to answer before it fails</td><td>15000</td></tr>
 * <tr><td>{@code kafka.request.timeout.ms}</td><td>longest wait of one admin call or send</td><td>30000</td></tr>
 * <tr><td>{@code kafka.replication.factor}</td><td>copies of the topics the backend creates itself
 * (dead-letter topics); -1: the broker's {@code default.replication.factor}</td><td>-1</td></tr>
 * <tr><td>{@code kafka.health.interval.ms}</td><td>how often the backend checks that the cluster
 * answers while it does ({@link dev.photoqueue.queue.api.QueueBackend#health}); while it does not,
 * the checks back off from 0.5 s to 30 s</td><td>5000</td></tr>
 * <tr><td>{@code kafka.send.timeout.ms}</td><td>the longest a producer's send takes to complete,
 * acknowledged or failed: a quarter for {@code max.block.ms} (waiting for metadata or buffer room),
 * the rest for {@code delivery.timeout.ms} (retries included); -1: Kafka's own defaults (up to
 * {@code kafka.request.timeout.ms} plus 2 minutes)</td><td>-1</td></tr>
 * <tr><td>{@code kafka.client.<setting>}</td><td>passed to every Kafka client as {@code <setting>},
 * e.g. {@code kafka.client.security.protocol=SSL}</td><td></td></tr>
 * </table>
 */
record KafkaConfig(String bootstrapServers, int connectTimeoutMs, int requestTimeoutMs, short replicationFactor,
                   int healthIntervalMs, int sendTimeoutMs, Map<String, Object> clientOverrides) {

    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    static final String CONNECT_TIMEOUT_MS = "kafka.connect.timeout.ms";
    static final String REQUEST_TIMEOUT_MS = "kafka.request.timeout.ms";
    static final String REPLICATION_FACTOR = "kafka.replication.factor";
    static final String HEALTH_INTERVAL_MS = "kafka.health.interval.ms";
    static final String SEND_TIMEOUT_MS = "kafka.send.timeout.ms";
    /** The producer's {@code linger.ms} (Kafka 4's default), counted in the send timeout. */
    static final int LINGER_MS = 5;
    /** The shortest send timeout: Kafka needs {@code delivery.timeout.ms >= linger.ms + request.timeout.ms}. */
    static final int MIN_SEND_TIMEOUT_MS = 1_000;
    static final String CLIENT_PREFIX = "kafka.client.";

    KafkaConfig {
        clientOverrides = Map.copyOf(clientOverrides);
    }

    static KafkaConfig parse(Map<String, String> settings) {
        String bootstrap = settings.getOrDefault(BOOTSTRAP_SERVERS, "localhost:9092").trim();
        if (bootstrap.isEmpty() || !bootstrap.contains(":")) {
            throw new InvalidConfigException(BOOTSTRAP_SERVERS, bootstrap, "expected host:port[,host:port...]");
        }
        int connect = BackendSettings.intSetting(settings, CONNECT_TIMEOUT_MS, 15_000, 1, Integer.MAX_VALUE);
        int request = BackendSettings.intSetting(settings, REQUEST_TIMEOUT_MS, 30_000, 1, Integer.MAX_VALUE);
        int replication = BackendSettings.intSetting(settings, REPLICATION_FACTOR, -1, -1, Short.MAX_VALUE);
        int health = BackendSettings.intSetting(settings, HEALTH_INTERVAL_MS, 5_000, 10, Integer.MAX_VALUE);
        int send = BackendSettings.intSetting(settings, SEND_TIMEOUT_MS, -1, -1, Integer.MAX_VALUE);
        if (send != -1 && send < MIN_SEND_TIMEOUT_MS) {
            throw new InvalidConfigException(SEND_TIMEOUT_MS, String.valueOf(send), "must be -1 (Kafka's defaults) or >= "
                    + MIN_SEND_TIMEOUT_MS);
        }
        if (replication == 0) {
            throw new InvalidConfigException(REPLICATION_FACTOR, "0", "must be -1 (broker default) or >= 1");
        }
        Map<String, Object> overrides = new LinkedHashMap<>(BackendSettings.withPrefix(settings, CLIENT_PREFIX));
        return new KafkaConfig(bootstrap, connect, request, (short) replication, health, send, overrides);
    }

    /**
     * The producer's timeouts, so that every send completes within {@code kafka.send.timeout.ms}
     * (when set): {@code max.block.ms} a quarter of it, {@code delivery.timeout.ms} the rest, and
     * {@code request.timeout.ms} no longer than the delivery timeout allows. Kafka's defaults
     * otherwise, with {@code max.block.ms} at the request timeout.
     */
    Map<String, Object> producerTimeouts() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("linger.ms", LINGER_MS);
        if (sendTimeoutMs < 0) {
            props.put("max.block.ms", requestTimeoutMs);
            return props;
        }
        int maxBlock = sendTimeoutMs / 4;
        int delivery = sendTimeoutMs - maxBlock;
        props.put("max.block.ms", maxBlock);
        props.put("delivery.timeout.ms", delivery);
        props.put("request.timeout.ms", Math.min(requestTimeoutMs, delivery - LINGER_MS));
        return props;
    }

    /** Settings every client of this backend starts from. */
    Map<String, Object> clientBase() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("request.timeout.ms", requestTimeoutMs);
        props.put("default.api.timeout.ms", Math.max(requestTimeoutMs, connectTimeoutMs));
        props.putAll(clientOverrides);
        return props;
    }
}
