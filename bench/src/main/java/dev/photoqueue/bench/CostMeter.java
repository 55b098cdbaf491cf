package dev.photoqueue.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What a round cost this JVM, per record: CPU time of the whole process (every thread, the
 * garbage collector's too) and bytes allocated by the live threads (the producer, the log's
 * writer, the consumer). Less sensitive to other work on the machine than a rate: a round that
 * waited for a core costs no more CPU, so two runs on a busy machine still compare.
 */
final class CostMeter {

    /** Process CPU nanoseconds, bytes allocated and milliseconds spent in garbage collections so far. */
    record Snapshot(long cpuNanos, long allocatedBytes, long gcMillis) {
    }

    /** The cost of one round per record, and the round's time in garbage collections (pauses and concurrent work). */
    record PerRecord(double cpuNanos, double allocatedBytes, long gcMillis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f ns CPU, %.0f B allocated per record; GC %d ms", cpuNanos,
                    allocatedBytes, gcMillis);
        }
    }

    private CostMeter() {
    }

    static Snapshot now() {
        long cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
        com.sun.management.ThreadMXBean threads =
                ManagementFactory.getPlatformMXBean(com.sun.management.ThreadMXBean.class);
        long allocated = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            allocated += Math.max(0, bytes);
        }
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        return new Snapshot(cpu, allocated, gc);
    }

    /** From {@code before} to now, over {@code records}; threads that ended meanwhile are not counted. */
    static PerRecord since(Snapshot before, long records) {
        Snapshot after = now();
        return new PerRecord((after.cpuNanos - before.cpuNanos) / (double) records,
                Math.max(0, after.allocatedBytes - before.allocatedBytes) / (double) records,
                after.gcMillis - before.gcMillis);
    }
}
