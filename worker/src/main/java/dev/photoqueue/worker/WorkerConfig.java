package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.worker.job.Topics;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.VariantSpec;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Every setting of the thumbnail worker, each with a default. Immutable. Read from settings with
 * {@link #fromSettings} (keys below) or from the environment and an optional properties file with
 * {@link #fromEnvironment} (a key's variable is {@code PQ_} and the key upper-cased with {@code .}
 * as {@code _}, e.g. {@code PQ_WORKER_COUNT}; the environment wins over the file).
 *
 * <table>
 * <caption>settings</caption>
 * <tr><td>{@code blob.dir}</td><td>root of the blob store</td><td>{@code data/blobs}</td></tr>
 * <tr><td>{@code blob.fsync}</td><td>force variant files to disk before the event</td><td>true</td></tr>
 * <tr><td>{@code variants}</td><td>{@code name:fit:size[:quality]}, comma separated</td>
 *     <td>{@code thumb:crop:150x150,small:width:320,medium:longest-edge:1024}</td></tr>
 * <tr><td>{@code max.pixels}</td><td>largest width x height decoded</td><td>50000000</td></tr>
 * <tr><td>{@code max.source.bytes}</td><td>largest original read</td><td>67108864</td></tr>
 * <tr><td>{@code worker.count}</td><td>consumers in the pool at start</td><td>2</td></tr>
 * <tr><td>{@code worker.id}</td><td>prefix of the workers' ids</td><td>{@code worker-<pid>}</td></tr>
 * <tr><td>{@code max.deliveries}</td><td>deliveries of a job before the queue dead-letters it</td><td>5</td></tr>
 * <tr><td>{@code retry.backoff.ms}, {@code retry.backoff.max.ms}</td><td>wait before a released job comes again</td><td>100, 10000</td></tr>
 * <tr><td>{@code session.timeout.ms}</td><td>silence after which a worker leaves the group</td><td>30000</td></tr>
 * <tr><td>{@code max.poll.records}</td><td>jobs a worker takes per poll; 1 leaves the jobs it cannot start
 *     yet to the other workers</td><td>1</td></tr>
 * <tr><td>{@code poll.timeout.ms}</td><td>longest wait of one poll</td><td>200</td></tr>
 * <tr><td>{@code shutdown.grace.ms}</td><td>time in-flight jobs get to finish at stop</td><td>10000</td></tr>
 * <tr><td>{@code consumption.mode}</td><td>{@code ordered} or {@code shared}</td><td>ordered</td></tr>
 * <tr><td>{@code uploaded.partitions}</td><td>partitions of {@code photo.uploaded} when the worker creates it</td><td>4</td></tr>
 * <tr><td>{@code worker.nice}</td><td>nice value (0 to 19) the workers' image threads set themselves to on Linux, so
 *     that image work yields the cores to other threads of the process (the upload API's requests); the threads
 *     that talk to the group keep normal priority</td><td>0</td></tr>
 * <tr><td>{@code delivery}</td><td>{@code at-most-once}, {@code at-least-once} or {@code exactly-once}
 *     ({@link Delivery}); exactly-once needs ordered consumption</td><td>at-least-once</td></tr>
 * <tr><td>{@code restart.delay.ms}</td><td>how long a crashed worker stays dead before the pool starts its
 *     replacement, as a supervisor would</td><td>2000</td></tr>
 * <tr><td>{@code worker.version}</td><td>the release the workers run, {@code v1}, {@code v2} (renders upside down
 *     on purpose) or {@code v3} (the fix); see {@link WorkerVersion}</td><td>v1</td></tr>
 * </table>
 */
public record WorkerConfig(Path blobDir, boolean fsync, List<VariantSpec> variants, long maxPixels, long maxSourceBytes,
                           int workerCount, String workerId, int maxDeliveries, long retryBackoffMs,
                           long retryBackoffMaxMs, long sessionTimeoutMs, int maxPollRecords, Duration pollTimeout,
                           Duration shutdownGrace, ConsumptionMode mode, int uploadedPartitions, int nice,
                           Delivery delivery, Duration restartDelay, WorkerVersion version) {

    public WorkerConfig {
        Objects.requireNonNull(blobDir, "blobDir");
        variants = List.copyOf(variants);
        VariantSpec.requireDistinctNames(variants);
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(version, "version");
        requirePositive("max.pixels", maxPixels);
        requirePositive("max.source.bytes", maxSourceBytes);
        if (workerCount < 0 || workerCount > MAX_WORKER_COUNT) {
            throw new IllegalArgumentException("worker.count must be between 0 and " + MAX_WORKER_COUNT + ", was "
                    + workerCount);
        }
        requirePositive("max.deliveries", maxDeliveries);
        requirePositive("max.poll.records", maxPollRecords);
        requirePositive("uploaded.partitions", uploadedPartitions);
        requirePositive("session.timeout.ms", sessionTimeoutMs);
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("worker.nice must be between 0 and 19, was " + nice);
        }
        Objects.requireNonNull(delivery, "delivery");
        delivery.requireSupportedBy(mode);
        if (restartDelay.isNegative()) {
            throw new IllegalArgumentException("restart.delay.ms must be >= 0, was " + restartDelay.toMillis());
        }
    }

    /** All defaults. */
    public static WorkerConfig defaults() {
        return fromSettings(Map.of());
    }

    /** The settings named in the class comment; absent keys take their defaults. */
    public static WorkerConfig fromSettings(Map<String, String> settings) {
        Settings s = new Settings(settings);
        return new WorkerConfig(
                Path.of(s.get("blob.dir", "data/blobs")),
                Boolean.parseBoolean(s.get("blob.fsync", "true")),
                s.has("variants") ? VariantSpec.parseList(s.get("variants", "")) : VariantSpec.DEFAULTS,
                s.getLong("max.pixels", ImagePipeline.DEFAULT_MAX_PIXELS),
                s.getLong("max.source.bytes", 64L << 20),
                (int) s.getLong("worker.count", 2),
                s.get("worker.id", "worker-" + ManagementFactory.getRuntimeMXBean().getPid()),
                (int) s.getLong("max.deliveries", 5),
                s.getLong("retry.backoff.ms", 100),
                s.getLong("retry.backoff.max.ms", 10_000),
                s.getLong("session.timeout.ms", 30_000),
                (int) s.getLong("max.poll.records", 1),
                Duration.ofMillis(s.getLong("poll.timeout.ms", 200)),
                Duration.ofMillis(s.getLong("shutdown.grace.ms", 10_000)),
                s.getMode("consumption.mode", ConsumptionMode.ORDERED),
                (int) s.getLong("uploaded.partitions", 4),
                (int) s.getLong("worker.nice", 0),
                Delivery.fromWireName(s.get("delivery", Delivery.AT_LEAST_ONCE.wireName())),
                Duration.ofMillis(s.getLong("restart.delay.ms", 2_000)),
                s.has("worker.version") ? WorkerVersion.parse("worker.version", s.get("worker.version", ""))
                        : WorkerVersion.DEFAULT);
    }

    /** Settings from {@code file} (may be empty) overridden by {@code PQ_*} variables of {@code environment}. */
    public static WorkerConfig fromEnvironment(Map<String, String> environment, Properties file) {
        Map<String, String> merged = new HashMap<>();
        file.stringPropertyNames().forEach(key -> merged.put(key, file.getProperty(key)));
        for (String key : KEYS) {
            String variable = "PQ_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
            if (environment.containsKey(variable)) {
                merged.put(key, environment.get(variable));
            }
        }
        return fromSettings(merged);
    }

    /**
     * The most workers one pool runs, however it is asked (WORKERS, worker.count, PUT /api/workers,
     * the autoscaler): a bound against a typo, well past what one machine runs usefully.
     */
    public static final int MAX_WORKER_COUNT = 64;

    static final List<String> KEYS = List.of("blob.dir", "blob.fsync", "variants", "max.pixels", "max.source.bytes",
            "worker.count", "worker.id", "max.deliveries", "retry.backoff.ms", "retry.backoff.max.ms",
            "session.timeout.ms", "max.poll.records", "poll.timeout.ms", "shutdown.grace.ms", "consumption.mode",
            "uploaded.partitions", "worker.nice", "delivery", "restart.delay.ms",
            "worker.version");

    public WorkerConfig withBlobDir(Path dir) {
        return new WorkerConfig(dir, fsync, variants, maxPixels, maxSourceBytes, workerCount, workerId, maxDeliveries,
                retryBackoffMs, retryBackoffMaxMs, sessionTimeoutMs, maxPollRecords, pollTimeout, shutdownGrace, mode,
                uploadedPartitions, nice, delivery, restartDelay, version);
    }

    /**
     * How worker {@code clientId} joins the group {@value Topics#THUMBNAILERS}, consuming with
     * {@code delivery} in {@code mode} (the pool's now, which may differ from this config's start
     * values): a locked job is given back after the session timeout, as a silent member's partitions are.
     */
    GroupConsumerConfig consumerConfig(String clientId, Delivery delivery, ConsumptionMode mode) {
        return GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                .clientId(clientId)
                .delivery(delivery.consumerGuarantee())
                .mode(mode)
                .maxDeliveries(maxDeliveries)
                .retryBackoffMs(retryBackoffMs)
                .retryBackoffMaxMs(retryBackoffMaxMs)
                .sessionTimeoutMs(sessionTimeoutMs)
                .visibilityTimeoutMs(sessionTimeoutMs)
                .maxPollRecords(maxPollRecords)
                .build();
    }

    /**
     * {@code ordered} or {@code shared} (any case) as a {@link ConsumptionMode};
     * {@link IllegalArgumentException} naming {@code key} and the value otherwise.
     */
    public static ConsumptionMode parseMode(String key, String value) {
        try {
            return ConsumptionMode.valueOf(String.valueOf(value).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be ordered or shared, was '" + value + "'", e);
        }
    }

    private static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, was " + value);
        }
    }

    /** Typed reads of string settings, refusing unknown keys so that typos do not pass silently. */
    private record Settings(Map<String, String> values) {

        Settings {
            for (String key : values.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown worker setting '" + key + "'; known: " + KEYS);
                }
            }
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String get(String key, String fallback) {
            return values.getOrDefault(key, fallback);
        }

        ConsumptionMode getMode(String key, ConsumptionMode fallback) {
            String value = values.get(key);
            return value == null ? fallback : parseMode(key, value);
        }

        long getLong(String key, long fallback) {
            String value = values.get(key);
            if (value == null) {
                return fallback;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
            }
        }
    }
}
