package dev.photoqueue.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The heap figures a probe in a child JVM reports about itself. Thread-safe (stateless). */
final class HeapFigures {

    private HeapFigures() {
    }

    /**
     * The sum of every heap pool's peak use since start. The pools may peak at different moments,
     * so this is an upper bound of the heap ever used at once.
     */
    static long peakHeapUsed() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The heap still in use after a full collection: what is live. */
    static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The collectors' names joined with commas, spaces as underscores (one token of a result line). */
    static String collectors() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName().replace(' ', '_'));
        }
        return String.join(",", names);
    }

    /** The process's peak resident set (VmHWM, Linux), heap and off-heap together; -1 elsewhere. */
    static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
