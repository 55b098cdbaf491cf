package dev.photoqueue.bench;

import java.io.IOException;
import java.nio.file.Path;
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
        long peak = HeapFigures.peakHeapUsed();
        long afterGc = HeapFigures.usedAfterGc();
        System.out.printf(Locale.ROOT, "%srecords=%d seconds=%.3f peakHeapBytes=%d usedAfterGcBytes=%d"
                        + " maxHeapBytes=%d gc=%s peakRssKb=%d%n",
                RESULT_PREFIX, records, seconds, peak, afterGc, Runtime.getRuntime().maxMemory(),
                HeapFigures.collectors(), HeapFigures.peakRssKb());
    }
}
