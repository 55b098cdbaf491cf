package dev.photoqueue.worker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The process's own meters, the same in the upload API and a worker process: heap and buffer
 * pools, threads, garbage-collection pauses and allocation, class loading, CPU use and load,
 * uptime, open file descriptors and the JVM's version. All are read from the JVM's management
 * beans when scraped, except the collection pauses, which a listener of the collector's
 * notifications records as they happen (so {@code jvm_gc_pause_seconds} appears with the first
 * collection).
 */
public final class JvmMeters {

    private JvmMeters() {
    }

    /** Binds them all to {@code registry}; close the result when the process stops (it unhooks the GC listener). */
    public static AutoCloseable bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }
}
