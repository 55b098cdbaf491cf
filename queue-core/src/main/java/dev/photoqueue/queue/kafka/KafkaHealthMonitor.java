package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.StorageException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the Kafka backend's {@link BackendHealth} current: asks the cluster to describe itself
 * every {@code kafka.health.interval.ms} while it answers; once it does not, asks again after
 * {@value #FIRST_RETRY_MS} ms, doubling the delay up to {@value #MAX_RETRY_MS} ms, and logs one
 * WARN line per failed check with the next delay (the clients' own retries go on meanwhile; this
 * only observes). One INFO line when the cluster answers again. {@link #health} never waits.
 * Thread-safe: the checks run on one daemon thread of this monitor.
 */
final class KafkaHealthMonitor implements AutoCloseable {

    static final long FIRST_RETRY_MS = 500;
    static final long MAX_RETRY_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealthMonitor.class);

    private final Admin admin;
    private final String servers;
    private final long intervalMs;
    private final int checkTimeoutMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-health");
        t.setDaemon(true);
        return t;
    });
    private volatile BackendHealth health;
    /** The delay before the next check while down; touched by the timer thread only. */
    private long retryMs = FIRST_RETRY_MS;
    private volatile boolean closed;

    /** Starts checking at once; {@code initial} is the state known when the backend opened. */
    KafkaHealthMonitor(Admin admin, KafkaConfig config, BackendHealth initial) {
        this.admin = admin;
        this.servers = config.bootstrapServers();
        this.intervalMs = config.healthIntervalMs();
        this.checkTimeoutMs = (int) Math.min(config.requestTimeoutMs(), Math.max(intervalMs, 1_000));
        this.health = initial;
        timer.schedule(this::checkAndReschedule, intervalMs, TimeUnit.MILLISECONDS);
    }

    BackendHealth health() {
        return closed ? health.next(false, "the kafka backend for " + servers + " is closed", Instant.now()) : health;
    }

    private void checkAndReschedule() {
        if (closed) {
            return;
        }
        long nextMs;
        try {
            nextMs = check();
        } catch (RuntimeException e) {
            // never let one failed check stop the monitor: report it as down and keep checking
            nextMs = down(StorageException.reason(e));
        }
        if (!closed) {
            timer.schedule(this::checkAndReschedule, nextMs, TimeUnit.MILLISECONDS);
        }
    }

    /** One check; returns the delay before the next. */
    private long check() {
        DescribeClusterResult result = admin.describeCluster(new DescribeClusterOptions().timeoutMs(checkTimeoutMs));
        try {
            String clusterId = result.clusterId().get(checkTimeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            int brokers = result.nodes().get(checkTimeoutMs + 1_000L, TimeUnit.MILLISECONDS).size();
            return up("Kafka cluster " + clusterId + " at " + servers + " answers, " + brokers + " broker(s)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return intervalMs;
        } catch (ExecutionException e) {
            return down(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return down("no answer within " + checkTimeoutMs + " ms");
        }
    }

    private long up(String detail) {
        BackendHealth before = health;
        health = before.next(true, detail, Instant.now());
        if (!before.up()) {
            LOG.info("Kafka cluster at {} answers again after {} down", servers,
                    Duration.between(before.since(), health.since()));
        }
        retryMs = FIRST_RETRY_MS;
        return intervalMs;
    }

    private long down(String reason) {
        BackendHealth before = health;
        health = before.next(false, "no answer from Kafka at " + servers + ": " + reason, Instant.now());
        long next = retryMs;
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        LOG.warn("Kafka cluster at {} unreachable since {} ({}); next check in {} ms", servers, health.since(),
                reason, next);
        return next;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
