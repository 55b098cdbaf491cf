package dev.photoqueue.worker;

import dev.photoqueue.worker.image.DecodeBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of the process's {@link DecodeBudget}, the same in the upload API and a worker
 * process, read from the budget when scraped: {@code photoqueue_decode_budget_bytes} (its size),
 * {@code photoqueue_decode_budget_reserved_bytes} (held by renders now),
 * {@code photoqueue_decode_budget_waits_total} (reservations that waited for heap) and
 * {@code photoqueue_decode_budget_refusals_total} (sync renders refused for want of it).
 */
public final class DecodeBudgetMeters {

    private DecodeBudgetMeters() {
    }

    /** Binds the meters of {@link DecodeBudget#shared()} to {@code registry}. */
    public static void bindTo(MeterRegistry registry) {
        DecodeBudget budget = DecodeBudget.shared();
        Gauge.builder("photoqueue.decode.budget", budget, DecodeBudget::totalBytes).baseUnit("bytes")
                .description("Heap the process's image decodes may hold at once: half the heap")
                .register(registry);
        Gauge.builder("photoqueue.decode.budget.reserved", budget, DecodeBudget::reservedBytes).baseUnit("bytes")
                .description("Heap of the decode budget reserved by renders in progress")
                .register(registry);
        FunctionCounter.builder("photoqueue.decode.budget.waits", budget, DecodeBudget::waits)
                .description("Renders that waited for other decodes to give heap back before decoding")
                .register(registry);
        FunctionCounter.builder("photoqueue.decode.budget.refusals", budget, DecodeBudget::refusals)
                .description("Sync renders refused (503 sync_busy) because the decode budget had too little free")
                .register(registry);
    }
}
