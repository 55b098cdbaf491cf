package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.BackendHealth;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The background check of the cluster, against an address where nothing listens. */
class KafkaHealthMonitorTest {

    @Test
    void unreachableBootstrapServerIsReportedDownNamingTheAddress() {
        KafkaConfig config = KafkaConfig.parse(Map.of(KafkaConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                KafkaConfig.REQUEST_TIMEOUT_MS, "500", KafkaConfig.CONNECT_TIMEOUT_MS, "500",
                KafkaConfig.HEALTH_INTERVAL_MS, "50"));
        Instant opened = Instant.now().minusSeconds(60);
        try (Admin admin = Admin.create(config.clientBase());
             KafkaHealthMonitor monitor = new KafkaHealthMonitor(admin, config, BackendHealth.up("started", opened))) {
            BackendHealth health = awaitDown(monitor, Duration.ofSeconds(60));
            assertTrue(health.detail().contains("127.0.0.1:1"), health.detail());
            assertTrue(health.since().isAfter(opened), "since moves to when it went down: " + health.since());
        }
    }

    @Test
    void aClosedMonitorReportsDown() {
        KafkaConfig config = KafkaConfig.parse(Map.of(KafkaConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1"));
        try (Admin admin = Admin.create(config.clientBase())) {
            KafkaHealthMonitor monitor = new KafkaHealthMonitor(admin, config, BackendHealth.up("started", Instant.now()));
            assertTrue(monitor.health().up());
            monitor.close();
            BackendHealth health = monitor.health();
            assertFalse(health.up());
            assertTrue(health.detail().contains("closed"), health.detail());
        }
    }

    @Test
    void healthKeepsItsSinceWhileItsStateDoesNotChange() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        BackendHealth down = BackendHealth.up("ok", t0).next(false, "gone", t0.plusSeconds(5));
        assertEquals(t0.plusSeconds(5), down.since());
        assertEquals(t0.plusSeconds(5), down.next(false, "still gone", t0.plusSeconds(9)).since());
        assertEquals(t0.plusSeconds(12), down.next(true, "back", t0.plusSeconds(12)).since());
    }

    static BackendHealth awaitDown(KafkaHealthMonitor monitor, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            BackendHealth health = monitor.health();
            if (!health.up()) {
                return health;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("still up after " + within + ": " + health);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
