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
import java.util.Locale;

/**
 * The child JVM of the {@code heap} phase, started by {@link LogBench} with {@code -Xmx64m}:
 * appends {@code records} values of {@code valueSize} bytes on one producer thread through the
 * queue API, then prints one line, {@code heap-probe key=value ...}, with its heap figures.
 * Finishing at all under the cap is the proof; the figures show the margin.
 *
 * <p>usage: {@code HeapProbe <data dir> <records> <value size>}
 */
final class HeapProbe {

    static final String RESULT_PREFIX = "heap-probe ";

    private HeapProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: HeapProbe <data dir> <records> <value size>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long records = Long.parseLong(args[1]);
        int valueSize = Integer.parseInt(args[2]);
        Stopwatch stopwatch = Stopwatch.start();
        try (LogWorkload log = LogWorkload.open(dir)) {
            log.append(records, LogWorkload.randomValue(valueSize));
            log.requireEndOffset(records);
        }
        double seconds = stopwatch.elapsedSeconds();
        long peak = peakHeapUsed();
        System.gc();
        long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "%srecords=%d seconds=%.3f peakHeapBytes=%d usedAfterGcBytes=%d"
                        + " maxHeapBytes=%d gc=%s peakRssKb=%d%n",
                RESULT_PREFIX, records, seconds, peak, afterGc, Runtime.getRuntime().maxMemory(), collectors(),
                peakRssKb());
    }

    /**
     * The sum of every heap pool's peak use since start. The pools may peak at different moments,
     * so this is an upper bound of the heap ever used at once.
     */
    private static long peakHeapUsed() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String collectors() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName().replace(' ', '_'));
        }
        return String.join(",", names);
    }

    /** The process's peak resident set (VmHWM, Linux), heap and off-heap together; -1 elsewhere. */
    private static long peakRssKb() throws IOException {
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
