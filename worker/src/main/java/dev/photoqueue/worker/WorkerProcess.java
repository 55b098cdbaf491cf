package dev.photoqueue.worker;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.metrics.PhotoEventMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * What a worker process runs on its queue backend: the pool of workers, the health file, and,
 * when {@code METRICS_PORT} is set, {@code GET /metrics} on that port with the meters of this
 * process's workers ({@value #METER_PREFIX} names: see {@link PhotoEventMetrics}, plus running
 * workers and restarts) and its JVM. These count only what this process did; the upload API's
 * {@code photoqueue_*} meters count every worker's events, so the two never add up to a double
 * count. {@link WorkerMain} runs one; tests start one in their own JVM. Thread-safe.
 */
final class WorkerProcess {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
    static final String METER_PREFIX = "photoqueue.worker";
    static final Duration HEALTH_EVERY = Duration.ofSeconds(5);

    private final WorkerPool pool;
    private final HealthFile health;
    /** Null while METRICS_PORT is unset. */
    private final MetricsEndpoint metrics;

    private WorkerProcess(WorkerPool pool, HealthFile health, MetricsEndpoint metrics) {
        this.pool = pool;
        this.health = health;
        this.metrics = metrics;
    }

    /**
     * Starts the metrics endpoint (when asked for; a port that cannot be bound fails first, before
     * any worker joins), then the workers and the health file. The backend stays the caller's.
     */
    static WorkerProcess start(WorkerEnvironment env, QueueBackend backend) {
        if (env.metricsPort().isEmpty()) {
            WorkerPool pool = WorkerPool.start(backend, env.worker());
            return started(env, backend, pool, null);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PhotoEventMetrics events = new PhotoEventMetrics(registry, METER_PREFIX, "by the workers of this process");
        MetricsEndpoint endpoint = MetricsEndpoint.start(env.metricsPort().getAsInt(), registry);
        WorkerPool pool;
        try {
            pool = WorkerPool.start(backend, env.worker(), events::record);
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
        Gauge.builder(METER_PREFIX + ".workers", pool, WorkerPool::workers)
                .description("Workers running in this process").register(registry);
        FunctionCounter.builder(METER_PREFIX + ".restarts", pool, WorkerPool::restarts)
                .description("Workers of this process replaced after they died").register(registry);
        LOG.info("metrics of this worker process at http://0.0.0.0:{}{}", endpoint.port(), MetricsEndpoint.PATH);
        return started(env, backend, pool, endpoint);
    }

    private static WorkerProcess started(WorkerEnvironment env, QueueBackend backend, WorkerPool pool,
                                         MetricsEndpoint metrics) {
        env.applyChaos(pool.chaos());
        HealthFile health = new HealthFile(env.healthFile(), pool::workers, backend::health, HEALTH_EVERY);
        return new WorkerProcess(pool, health, metrics);
    }

    WorkerPool pool() {
        return pool;
    }

    /** The port {@code /metrics} is served on; empty while METRICS_PORT is unset. */
    OptionalInt metricsPort() {
        return metrics == null ? OptionalInt.empty() : OptionalInt.of(metrics.port());
    }

    /**
     * Stops the heartbeat, lets the workers finish the jobs in hand within the grace period and leave
     * the group, then stops serving metrics. True when every worker left in time.
     */
    boolean stop() {
        health.close();
        boolean clean = pool.stop();
        if (metrics != null) {
            metrics.close();
        }
        return clean;
    }
}
