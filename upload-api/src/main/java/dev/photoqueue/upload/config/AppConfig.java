package dev.photoqueue.upload.config;

import dev.photoqueue.worker.VariableNames;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting of the upload API, typed and checked. Immutable. Each value comes from the
 * environment variable of its name, else from the optional properties file (same keys), else the
 * default. The file is {@code CONFIG_FILE} when that variable is set (it must exist then), else
 * {@code photoqueue.properties} in the working directory when present.
 *
 * <table>
 * <caption>settings</caption>
 * <tr><td>{@code PORT}</td><td>HTTP port, 0 for any free one</td><td>8080</td></tr>
 * <tr><td>{@code HOST}</td><td>address to listen on</td><td>0.0.0.0</td></tr>
 * <tr><td>{@code DATA_DIR}</td><td>the in-house log ({@code queue/}), the blob store ({@code blobs/}) and the
 *     status view's photo index ({@code status-view/})</td><td>./data</td></tr>
 * <tr><td>{@code QUEUE_BACKEND}</td><td>{@code inhouse} or {@code kafka}</td><td>inhouse</td></tr>
 * <tr><td>{@code KAFKA_BOOTSTRAP_SERVERS}</td><td>brokers, with {@code QUEUE_BACKEND=kafka}</td><td>localhost:9092</td></tr>
 * <tr><td>{@code WORKERS}</td><td>embedded thumbnail workers, 0 for none</td><td>2</td></tr>
 * <tr><td>{@code PARTITIONS}</td><td>partitions of {@code photo.uploaded}</td><td>6</td></tr>
 * <tr><td>{@code MAX_DELIVERIES}</td><td>deliveries of a job before it is dead-lettered</td><td>5</td></tr>
 * <tr><td>{@code SESSION_TIMEOUT_MS}</td><td>silence after which a worker counts as crashed and its jobs go to
 *     the others</td><td>10000</td></tr>
 * <tr><td>{@code MAX_UPLOAD_BYTES}</td><td>largest upload accepted</td><td>26214400 (25 MiB)</td></tr>
 * <tr><td>{@code MAX_PIXELS}</td><td>largest width x height accepted, from the header</td><td>50000000</td></tr>
 * <tr><td>{@code MAX_BACKLOG}</td><td>jobs waiting before uploads get 503 (changeable at run time)</td><td>1000</td></tr>
 * <tr><td>{@code SEND_TIMEOUT_MS}</td><td>longest an async upload waits for the queue to take its job before
 *     503; on Kafka four fifths of it is the producer's bound on a send ({@code kafka.send.timeout.ms})</td>
 *     <td>15000</td></tr>
 * <tr><td>{@code ADMIN_TOKEN}</td><td>bearer token the admin endpoints require; unset: open</td><td>(unset)</td></tr>
 * <tr><td>{@code WORKER_VERSION}</td><td>the release the embedded workers start with, {@code v1}, {@code v2} (a
 *     deliberate bug) or {@code v3} (its fix); changeable at run time</td><td>v1</td></tr>
 * <tr><td>{@code PHOTO_CACHE_SIZE}</td><td>finished photos the status view keeps in memory; older ones are read
 *     from its photo index on disk (unfinished photos are always in memory)</td><td>10000</td></tr>
 * </table>
 */
public record AppConfig(int port, String host, Path dataDir, QueueBackendKind backend, String kafkaBootstrapServers,
                        int workers, int partitions, int maxDeliveries, long sessionTimeoutMs, long maxUploadBytes,
                        long maxPixels, long maxBacklog, long sendTimeoutMs, String adminToken,
                        WorkerVersion workerVersion, int photoCacheSize) {

    public static final String CONFIG_FILE = "CONFIG_FILE";
    static final String DEFAULT_FILE = "photoqueue.properties";

    public AppConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(workerVersion, "workerVersion");
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken;
    }

    /** The defaults, as the class comment lists them. */
    public static AppConfig defaults() {
        return fromSources(Map.of(), new Properties());
    }

    /** The configuration of this process: its environment and the properties file it names or finds. */
    public static AppConfig fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(""));
    }

    /** As {@link #fromEnvironment()}, with the environment and working directory given. */
    public static AppConfig fromEnvironment(Map<String, String> environment, Path workingDir) {
        return fromSources(environment, propertiesFile(environment, workingDir));
    }

    /** Values from {@code environment}, else {@code file}, else the defaults. */
    public static AppConfig fromSources(Map<String, String> environment, Properties file) {
        Map<String, String> values = new HashMap<>();
        file.stringPropertyNames().forEach(k -> values.put(k, file.getProperty(k)));
        values.putAll(environment);
        return read(values);
    }

    /**
     * The name of every environment variable the upload API reads: {@link #CONFIG_FILE} and each
     * name looked up while the defaults are read, so that the list is the code's own and cannot
     * fall behind it (deployment files are checked against it).
     */
    public static Set<String> variableNames() {
        Set<String> names = new TreeSet<>(VariableNames.lookedUpBy(AppConfig::read));
        names.add(CONFIG_FILE);
        return Collections.unmodifiableSet(names);
    }

    private static AppConfig read(Map<String, String> values) {
        Reader r = new Reader(values);
        return new AppConfig(
                r.integer("PORT", 8080, 0, 65_535),
                r.string("HOST", "0.0.0.0"),
                r.directory("DATA_DIR", "./data"),
                r.backend("QUEUE_BACKEND"),
                r.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                r.integer("WORKERS", 2, 0, WorkerConfig.MAX_WORKER_COUNT),
                r.integer("PARTITIONS", 6, 1, 1_000),
                r.integer("MAX_DELIVERIES", 5, 1, 1_000),
                r.longValue("SESSION_TIMEOUT_MS", 10_000, 100, 3_600_000),
                r.longValue("MAX_UPLOAD_BYTES", 25L << 20, 1, Integer.MAX_VALUE - 8),
                r.longValue("MAX_PIXELS", 50_000_000L, 1, Long.MAX_VALUE),
                r.longValue("MAX_BACKLOG", 1_000, 1, Long.MAX_VALUE),
                r.longValue("SEND_TIMEOUT_MS", 15_000, 2_000, 300_000),
                values.get("ADMIN_TOKEN"),
                r.workerVersion("WORKER_VERSION"),
                r.integer("PHOTO_CACHE_SIZE", 10_000, 1, 10_000_000));
    }

    /** The in-house log's folder. */
    public Path queueDir() {
        return dataDir.resolve("queue");
    }

    /** The status view's photo index (a cache of the log, rebuilt from it when missing). */
    public Path statusIndexDir() {
        return dataDir.resolve("status-view");
    }

    /** The blob store's root. */
    public Path blobDir() {
        return dataDir.resolve("blobs");
    }

    /** The settings for {@code QueueBackends.open}. */
    public Map<String, String> backendSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("backend", backend.backendName());
        if (backend == QueueBackendKind.INHOUSE) {
            settings.put("data.dir", queueDir().toString());
        } else {
            settings.put("kafka.bootstrap.servers", kafkaBootstrapServers);
            // the producer decides within the upload's wait, so the API never answers before Kafka has
            settings.put("kafka.send.timeout.ms", String.valueOf(producerSendTimeout().toMillis()));
        }
        return settings;
    }

    /**
     * The producer's share of an upload's {@link #sendTimeout}: four fifths, within which it has
     * acknowledged, failed or given up a send; the admission's look at the backlog has the rest.
     */
    public java.time.Duration producerSendTimeout() {
        return sendTimeout().multipliedBy(4).dividedBy(5);
    }

    public java.time.Duration sendTimeout() {
        return java.time.Duration.ofMillis(sendTimeoutMs);
    }

    public AppConfig withPort(int newPort) {
        return new AppConfig(newPort, host, dataDir, backend, kafkaBootstrapServers, workers, partitions,
                maxDeliveries, sessionTimeoutMs, maxUploadBytes, maxPixels, maxBacklog, sendTimeoutMs, adminToken,
                workerVersion, photoCacheSize);
    }

    @Override
    public String toString() {
        return "AppConfig[port=" + port + ", host=" + host + ", dataDir=" + dataDir + ", backend=" + backend
                + (backend == QueueBackendKind.KAFKA ? ", kafka=" + kafkaBootstrapServers : "") + ", workers=" + workers
                + ", partitions=" + partitions + ", maxDeliveries=" + maxDeliveries + ", sessionTimeoutMs="
                + sessionTimeoutMs + ", maxUploadBytes="
                + maxUploadBytes + ", maxPixels=" + maxPixels + ", maxBacklog=" + maxBacklog + ", sendTimeoutMs="
                + sendTimeoutMs + ", adminToken=" + (adminToken == null ? "unset" : "set") + ", workerVersion="
                + workerVersion.wireName() + ", photoCacheSize=" + photoCacheSize + "]";
    }

    private static Properties propertiesFile(Map<String, String> environment, Path workingDir) {
        String named = environment.get(CONFIG_FILE);
        Path file = named != null ? Path.of(named) : workingDir.resolve(DEFAULT_FILE);
        Properties properties = new Properties();
        if (named == null && !Files.isRegularFile(file)) {
            return properties;
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidSettingException(CONFIG_FILE, named, "no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration file " + file.toAbsolutePath(), e);
        }
        return properties;
    }

    /** Typed reads that name the variable when a value is wrong. */
    private record Reader(Map<String, String> values) {

        String string(String name, String fallback) {
            String value = values.get(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        /**
         * A folder that may not exist yet (it is created at start), but must not be a file: the
         * start would otherwise fail later with a stack trace from the first write under it.
         */
        Path directory(String name, String fallback) {
            String value = string(name, fallback);
            Path path = Path.of(value);
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw new InvalidSettingException(name, value, "is a file, not a directory");
            }
            return path;
        }

        long longValue(String name, long fallback, long min, long max) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, value, "must be a whole number");
            }
            if (parsed < min || parsed > max) {
                throw new InvalidSettingException(name, value, "must be between " + min + " and " + max);
            }
            return parsed;
        }

        int integer(String name, int fallback, int min, int max) {
            return (int) longValue(name, fallback, min, max);
        }

        WorkerVersion workerVersion(String name) {
            String value = string(name, WorkerVersion.DEFAULT.wireName());
            try {
                return WorkerVersion.parse(name, value);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(name, value, "must be one of " + WorkerVersion.names());
            }
        }

        QueueBackendKind backend(String name) {
            String value = string(name, "inhouse");
            try {
                return QueueBackendKind.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(name, value, "must be inhouse or kafka");
            }
        }
    }
}
