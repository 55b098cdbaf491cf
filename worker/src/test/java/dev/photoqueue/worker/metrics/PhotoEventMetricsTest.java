package dev.photoqueue.worker.metrics;

import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoReleased;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What each event adds to the meters. */
class PhotoEventMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PhotoEventMetrics metrics = new PhotoEventMetrics(registry, "pq", "in this test");

    private static PhotoProcessed processed(String id, boolean duplicate, Map<String, Long> variantMicros) {
        return new PhotoProcessed(id, List.of(), new PhotoProcessed.Timings(1, 2, 3, 4, 250_000, variantMicros), "w",
                1, duplicate);
    }

    private double outcome(String outcome) {
        return registry.get("pq.photos.processed").tag("outcome", outcome).counter().count();
    }

    @Test
    void everyOutcomeCounterExistsAtZeroBeforeAnyEvent() {
        assertEquals(0, outcome("done"));
        assertEquals(0, outcome("duplicate"));
        assertEquals(0, outcome("failed"));
        assertEquals(0, registry.get("pq.deliveries").counter().count());
        assertEquals(0, registry.get("pq.photo.processing").timer().count());
    }

    @Test
    void eachEventCountsOnceWhereItBelongs() {
        metrics.record(new PhotoDelivered("a", 1, "m", "w", "at-least-once"));
        metrics.record(new PhotoDelivered("a", 2, "m", "w", "at-least-once"));
        metrics.record(processed("a", false, Map.of("thumb", 40_000L, "small", 60_000L)));
        metrics.record(processed("a", true, Map.of()));
        metrics.record(new PhotoFailed("b", "not an image", 1, true, "w"));
        metrics.record(new PhotoReleased("c", 1, "w", "disk busy"));

        assertEquals(1, outcome("done"));
        assertEquals(1, outcome("duplicate"));
        assertEquals(1, outcome("failed"));
        assertEquals(2, registry.get("pq.deliveries").counter().count());
        assertEquals(1, registry.get("pq.photo.processing").timer().count(), "a duplicate rendered nothing to time");
        assertEquals(250, registry.get("pq.photo.processing").timer().totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(40, registry.get("pq.variant.processing").tag("variant", "thumb").timer()
                .totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(60, registry.get("pq.variant.processing").tag("variant", "small").timer()
                .totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void variantNamesPastTheLimitAreNotMetered() {
        Map<String, Long> many = new HashMap<>();
        for (int i = 0; i <= PhotoEventMetrics.MAX_VARIANTS; i++) {
            many.put("v" + i, 1L);
        }
        metrics.record(processed("p", false, many));
        assertEquals(PhotoEventMetrics.MAX_VARIANTS, registry.find("pq.variant.processing").timers().size());
        metrics.record(processed("q", false, Map.of("late", 1L)));
        assertNull(registry.find("pq.variant.processing").tag("variant", "late").timer());
        assertNotNull(registry.find("pq.photo.processing").timer());
    }
}
