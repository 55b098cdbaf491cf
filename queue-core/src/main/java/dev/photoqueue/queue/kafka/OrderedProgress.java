package dev.photoqueue.queue.kafka;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A group's progress on one partition in ORDERED mode, as it is committed to Kafka: the
 * committed offset is {@link #base()} (the first record not yet done), and the commit's metadata
 * string carries what the offset alone cannot: the records above the base already acked (skipped
 * when the partition is read again) and the delivery counts of records handed out but not done
 * (so a record that keeps killing its consumer still reaches the dead-letter topic).
 *
 * <p>Metadata format, offsets relative to the base, runs inclusive:
 * <pre>
 *   pq1;a=2-3,7;d=0-1:2,4:1      acked base+2..base+3 and base+7;
 *                                base..base+1 delivered twice, base+4 once
 * </pre>
 * Kafka limits the metadata ({@code offset.metadata.max.bytes}, 4096 by default): past
 * {@link #MAX_METADATA_CHARS} the acked runs are dropped first (those records are then delivered
 * again: at-least-once still holds), then the delivery runs are merged into one run carrying the
 * highest count (counts are only ever over-stated, never lost). Not thread-safe.
 */
final class OrderedProgress {

    static final String VERSION = "pq1";
    static final int MAX_METADATA_CHARS = 4000;

    private long base;
    private final NavigableSet<Long> ackedAbove = new TreeSet<>();
    private final NavigableMap<Long, Integer> deliveries = new TreeMap<>();

    OrderedProgress(long base) {
        this.base = base;
    }

    /** An independent copy, to try changes on (a transaction's acks before it commits). */
    OrderedProgress copy() {
        OrderedProgress c = new OrderedProgress(base);
        c.ackedAbove.addAll(ackedAbove);
        c.deliveries.putAll(deliveries);
        return c;
    }

    long base() {
        return base;
    }

    boolean isDone(long offset) {
        return offset < base || ackedAbove.contains(offset);
    }

    /** Times the record was handed out so far (0 if never, or done). */
    int deliveries(long offset) {
        return deliveries.getOrDefault(offset, 0);
    }

    /** Counts one more delivery of the record and returns the new count. */
    int deliver(long offset) {
        return deliveries.merge(offset, 1, Integer::sum);
    }

    /** Takes back one delivery of the record (it was handed out behind a released record); 0 is "never". */
    void undeliver(long offset) {
        deliveries.computeIfPresent(offset, (o, count) -> count > 1 ? count - 1 : null);
    }

    /** Marks the record done; the base moves over the contiguous done prefix. Done twice is harmless. */
    void ack(long offset) {
        if (isDone(offset)) {
            return;
        }
        deliveries.remove(offset);
        if (offset != base) {
            ackedAbove.add(offset);
            return;
        }
        base++;
        while (!ackedAbove.isEmpty() && ackedAbove.first() == base) {
            ackedAbove.pollFirst();
            base++;
        }
    }

    /** Everything before {@code offset} counts as done (at-most-once hand-out, or a reset). */
    void doneBefore(long offset) {
        if (offset <= base) {
            return;
        }
        base = offset;
        ackedAbove.headSet(base, false).clear();
        deliveries.headMap(base, false).clear();
        while (!ackedAbove.isEmpty() && ackedAbove.first() == base) {
            ackedAbove.pollFirst();
            base++;
        }
    }

    // ------------------------------------------------------------------ commit metadata

    String encode() {
        String acked = ackedRuns();
        String counts = deliveryRuns(deliveries);
        String full = VERSION + ";a=" + acked + ";d=" + counts;
        if (full.length() <= MAX_METADATA_CHARS) {
            return full;
        }
        String withoutAcked = VERSION + ";a=;d=" + counts;
        if (withoutAcked.length() <= MAX_METADATA_CHARS) {
            return withoutAcked;
        }
        int max = deliveries.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long first = deliveries.firstKey() - base;
        long last = deliveries.lastKey() - base;
        return VERSION + ";a=;d=" + first + "-" + last + ":" + max;
    }

    /**
     * The progress a commit describes: {@code base} is the committed offset, {@code metadata} its
     * metadata (empty or foreign metadata: nothing above the base is known).
     */
    static OrderedProgress decode(long base, String metadata) {
        OrderedProgress p = new OrderedProgress(base);
        if (metadata == null || !metadata.startsWith(VERSION + ";")) {
            return p;
        }
        try {
            for (String part : metadata.substring(VERSION.length() + 1).split(";")) {
                if (part.startsWith("a=")) {
                    for (long[] run : runs(part.substring(2))) {
                        for (long o = run[0]; o <= run[1]; o++) {
                            p.ackedAbove.add(base + o);
                        }
                    }
                } else if (part.startsWith("d=")) {
                    for (long[] run : runs(part.substring(2))) {
                        for (long o = run[0]; o <= run[1]; o++) {
                            p.deliveries.put(base + o, (int) run[2]);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable progress metadata at committed offset " + base + ": \""
                    + metadata + "\"", e);
        }
        p.ackedAbove.headSet(base, false).clear();
        return p;
    }

    private String ackedRuns() {
        StringBuilder out = new StringBuilder();
        Iterator<Long> it = ackedAbove.iterator();
        long start = -1;
        long prev = -1;
        while (it.hasNext()) {
            long o = it.next();
            if (start >= 0 && o == prev + 1) {
                prev = o;
                continue;
            }
            appendRun(out, start, prev, -1);
            start = o;
            prev = o;
        }
        appendRun(out, start, prev, -1);
        return out.toString();
    }

    private String deliveryRuns(NavigableMap<Long, Integer> counts) {
        StringBuilder out = new StringBuilder();
        long start = -1;
        long prev = -1;
        int count = 0;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            long o = e.getKey();
            if (start >= 0 && o == prev + 1 && e.getValue() == count) {
                prev = o;
                continue;
            }
            appendRun(out, start, prev, count);
            start = o;
            prev = o;
            count = e.getValue();
        }
        appendRun(out, start, prev, count);
        return out.toString();
    }

    private void appendRun(StringBuilder out, long start, long end, int count) {
        if (start < 0) {
            return;
        }
        if (out.length() > 0) {
            out.append(',');
        }
        out.append(start - base);
        if (end != start) {
            out.append('-').append(end - base);
        }
        if (count >= 0) {
            out.append(':').append(count);
        }
    }

    /** Parses "s[-e][:c],..." into {start, end, count} triples (count 0 when absent). */
    private static List<long[]> runs(String text) {
        List<long[]> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String run : text.split(",")) {
            long count = 0;
            int colon = run.indexOf(':');
            if (colon >= 0) {
                count = Long.parseLong(run.substring(colon + 1));
                run = run.substring(0, colon);
            }
            int dash = run.indexOf('-');
            long start = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
            long end = dash < 0 ? start : Long.parseLong(run.substring(dash + 1));
            if (start < 0 || end < start || end - start > 1_000_000) {
                throw new IllegalArgumentException("bad run \"" + run + "\"");
            }
            out.add(new long[] {start, end, count});
        }
        return out;
    }
}
