package dev.photoqueue.worker;

import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;

/**
 * A worker process's settings, from environment variables (over an optional properties file
 * named by {@code CONFIG_FILE}), with the same names and defaults as the upload API's:
 *
 * <table>
 * <caption>variables</caption>
 * <tr><td>{@code DATA_DIR}</td><td>{@code ./data}: the blob store is {@code DATA_DIR/blobs}</td></tr>
 * <tr><td>{@code QUEUE_BACKEND}</td><td>{@code kafka} (the in-house log lives in the upload API)</td></tr>
 * <tr><td>{@code KAFKA_BOOTSTRAP_SERVERS}</td><td>{@code localhost:9092}</td></tr>
 * <tr><td>{@code WORKERS}</td><td>2: consumers in this process</td></tr>
 * <tr><td>{@code PARTITIONS}</td><td>6: of {@code photo.uploaded} when a worker creates it</td></tr>
 * <tr><td>{@code MAX_DELIVERIES}</td><td>5</td></tr>
 * <tr><td>{@code MAX_PIXELS}</td><td>50000000</td></tr>
 * <tr><td>{@code MAX_UPLOAD_BYTES}</td><td>26214400: the largest original read</td></tr>
 * <tr><td>{@code CHAOS_MODE}</td><td>{@code thread} or {@code process}: how a chaos crash kills</td></tr>
 * <tr><td>{@code CHAOS_PROBABILITY}</td><td>0: chance that a photo kills its worker</td></tr>
 * <tr><td>{@code CHAOS_NAME_PATTERN}</td><td>none: photos whose file name matches kill their worker</td></tr>
 * <tr><td>{@code WORKER_VERSION}</td><td>{@code v1}: the release the workers run ({@link WorkerVersion})</td></tr>
 * <tr><td>{@code HOSTNAME}</td><td>with the pid, the worker id when {@code PQ_WORKER_ID} is not set</td></tr>
 * <tr><td>{@code HEALTH_FILE}</td><td>the heartbeat file, {@code photoqueue-worker.health} in the temp folder</td></tr>
 * <tr><td>{@code METRICS_PORT}</td><td>unset (off): the port of {@code GET /metrics}, Prometheus text of
 *     this process's workers and JVM; 0 takes a free port, which the log names</td></tr>
 * </table>
 * The other worker settings ({@link WorkerConfig}) come from their {@code PQ_*} variables.
 */
record WorkerEnvironment(Path dataDir, String backend, String bootstrapServers, WorkerConfig worker,
                         Chaos.Crash chaosMode, double chaosProbability, String chaosNamePattern, Path healthFile,
                         OptionalInt metricsPort) {

    static WorkerEnvironment from(Map<String, String> environment, Properties file) {
        Map<String, String> values = new HashMap<>();
        file.stringPropertyNames().forEach(k -> values.put(k, file.getProperty(k)));
        values.putAll(environment);
        return read(values);
    }

    /**
     * The name of every environment variable a worker process's settings are read from: each name
     * looked up while the defaults are read, so that the list is the code's own and cannot fall
     * behind it.
     */
    static Set<String> variableNames() {
        return VariableNames.lookedUpBy(WorkerEnvironment::read);
    }

    private static WorkerEnvironment read(Map<String, String> values) {
        Path dataDir = Path.of(values.getOrDefault("DATA_DIR", "./data"));
        String backend = values.getOrDefault("QUEUE_BACKEND", "kafka").trim().toLowerCase(Locale.ROOT);
        if (!backend.equals("kafka") && !backend.equals("inhouse")) {
            throw new IllegalArgumentException("QUEUE_BACKEND must be inhouse or kafka, was '" + backend + "'");
        }
        Map<String, String> worker = new HashMap<>();
        worker.put("blob.dir", dataDir.resolve("blobs").toString());
        worker.put("worker.count", String.valueOf(integer(values, "WORKERS", 2, 0, WorkerConfig.MAX_WORKER_COUNT)));
        worker.put("uploaded.partitions", String.valueOf(integer(values, "PARTITIONS", 6, 1, 1_000)));
        worker.put("max.deliveries", String.valueOf(integer(values, "MAX_DELIVERIES", 5, 1, 1_000)));
        worker.put("max.pixels", String.valueOf(number(values, "MAX_PIXELS", 50_000_000L)));
        worker.put("max.source.bytes", String.valueOf(number(values, "MAX_UPLOAD_BYTES", 25L << 20)));
        String version = values.get("WORKER_VERSION");
        if (version != null && !version.isBlank()) {
            worker.put("worker.version", WorkerVersion.parse("WORKER_VERSION", values.get("WORKER_VERSION")).wireName());
        }
        for (String key : WorkerConfig.KEYS) {
            String variable = "PQ_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
            if (!worker.containsKey(key) && values.containsKey(variable)) {
                worker.put(key, values.get(variable));
            }
        }
        // The worker id names the pool's transactional ids (exactly-once): in a container the pid is
        // 1 in every replica, the host name tells them apart and stays the same when the container
        // is restarted, so the restarted worker fences the transactions its dead self left open.
        String host = values.get("HOSTNAME");
        if (!worker.containsKey("worker.id") && host != null && !host.isBlank()) {
            worker.put("worker.id", "worker-" + host.trim() + "-" + ProcessHandle.current().pid());
        }
        double probability;
        try {
            probability = Double.parseDouble(values.getOrDefault("CHAOS_PROBABILITY", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CHAOS_PROBABILITY must be a number from 0 to 1, was '"
                    + values.get("CHAOS_PROBABILITY") + "'", e);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("CHAOS_PROBABILITY must be from 0 to 1, was " + probability);
        }
        return new WorkerEnvironment(dataDir, backend, values.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                WorkerConfig.fromSettings(worker), Chaos.parseMode(values.getOrDefault("CHAOS_MODE", "thread")),
                probability, values.get("CHAOS_NAME_PATTERN"), Path.of(values.getOrDefault("HEALTH_FILE",
                Path.of(System.getProperty("java.io.tmpdir"), "photoqueue-worker.health").toString())),
                metricsPort(values.get("METRICS_PORT")));
    }

    /** Empty (no endpoint) when unset or blank; else a port from 0 (any free one) to 65535. */
    private static OptionalInt metricsPort(String text) {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("METRICS_PORT must be a port number from 0 to 65535, was '" + text
                    + "'", e);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("METRICS_PORT must be from 0 to 65535, was " + port);
        }
        return OptionalInt.of(port);
    }

    private static int integer(Map<String, String> values, String name, int fallback, int min, int max) {
        long n = number(values, name, fallback);
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + n);
        }
        return (int) n;
    }

    private static long number(Map<String, String> values, String name, long fallback) {
        String text = values.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(text.trim());
            if (n < 1 && !name.equals("WORKERS")) {
                throw new IllegalArgumentException(name + " must be positive, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'", e);
        }
    }

    /** What {@link QueueBackends#open} gets. */
    Map<String, String> backendSettings() {
        return backend.equals("kafka")
                ? Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrapServers)
                : Map.of(QueueBackends.BACKEND, "inhouse", "data.dir", dataDir.resolve("queue").toString());
    }

    void applyChaos(Chaos chaos) {
        chaos.mode(chaosMode);
        chaos.probability(chaosProbability);
        chaos.namePattern(chaosNamePattern);
    }

    String describe() {
        return "backend " + backend + (backend.equals("kafka") ? " at " + bootstrapServers : " in " + dataDir)
                + ", blobs in " + worker.blobDir() + ", version " + worker.version().wireName() + (chaosProbability > 0 || chaosNamePattern != null
                ? ", chaos " + chaosMode.name().toLowerCase(Locale.ROOT) + " p=" + chaosProbability
                + (chaosNamePattern == null ? "" : " name~" + chaosNamePattern) : "");
    }
}
