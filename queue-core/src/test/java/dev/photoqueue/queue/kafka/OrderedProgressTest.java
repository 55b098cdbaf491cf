package dev.photoqueue.queue.kafka;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ORDERED progress of one partition and its commit metadata, checked against a simple model. */
class OrderedProgressTest {

    @Test
    void baseIsTheFirstRecordNotAckedWhenAcksArriveOutOfOrder() {
        OrderedProgress p = new OrderedProgress(10);
        p.ack(12);
        p.ack(11);
        assertEquals(10, p.base());
        assertTrue(p.isDone(12));
        p.ack(10);
        assertEquals(13, p.base());
        p.ack(12);
        assertEquals(13, p.base(), "acking twice is harmless");
    }

    @Test
    void metadataCarriesAckedAboveAndDeliveryCountsRelativeToTheBase() {
        OrderedProgress p = new OrderedProgress(100);
        for (long o = 100; o < 105; o++) {
            p.deliver(o);
        }
        p.deliver(100);
        p.ack(102);
        p.ack(103);
        String metadata = p.encode();
        assertEquals("pq1;a=2-3;d=0:2,1:1,4:1", metadata);

        OrderedProgress back = OrderedProgress.decode(100, metadata);
        assertEquals(100, back.base());
        assertEquals(2, back.deliveries(100));
        assertEquals(1, back.deliveries(101));
        assertEquals(0, back.deliveries(102));
        assertTrue(back.isDone(102) && back.isDone(103));
        assertFalse(back.isDone(104));
    }

    @Test
    void foreignOrEmptyMetadataMeansNothingIsKnownAboveTheBase() {
        OrderedProgress p = OrderedProgress.decode(7, "");
        assertEquals(7, p.base());
        assertFalse(p.isDone(8));
        assertEquals(0, OrderedProgress.decode(7, "written by another tool").deliveries(7));
    }

    @Test
    void unreadableMetadataOfOursIsReportedWithTheOffsetAndText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrderedProgress.decode(5, "pq1;a=3-1;d="));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("pq1;a=3-1;d="), e.getMessage());
    }

    @Test
    void oversizedMetadataDropsAckedRunsFirstAndNeverUnderstatesACount() {
        OrderedProgress p = new OrderedProgress(0);
        for (long o = 0; o < 4000; o++) {
            p.deliver(o);
            if (o % 7 == 0) {
                p.deliver(o);
            }
        }
        for (long o = 2; o < 4000; o += 2) {
            p.ack(o);
        }
        String metadata = p.encode();
        assertTrue(metadata.length() <= OrderedProgress.MAX_METADATA_CHARS, metadata.length() + " chars");
        OrderedProgress back = OrderedProgress.decode(0, metadata);
        for (long o = 0; o < 4000; o++) {
            if (!p.isDone(o)) {
                assertTrue(back.deliveries(o) >= p.deliveries(o), "count of " + o + " understated");
                assertFalse(back.isDone(o), o + " is not done");
            }
        }
    }

    @Test
    void randomAcksDeliveriesAndRoundTripsAgreeWithAModel() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            long start = random.nextInt(1000);
            OrderedProgress p = new OrderedProgress(start);
            TreeSet<Long> done = new TreeSet<>();
            TreeMap<Long, Integer> counts = new TreeMap<>();
            for (int step = 0; step < 60; step++) {
                long o = start + random.nextInt(40);
                if (random.nextBoolean()) {
                    if (!isDone(done, start, o)) {
                        counts.merge(o, 1, Integer::sum);
                        p.deliver(o);
                    }
                } else {
                    done.add(o);
                    counts.remove(o);
                    p.ack(o);
                }
                if (random.nextInt(10) == 0) {
                    p = OrderedProgress.decode(p.base(), p.encode());
                }
                long base = start;
                while (done.contains(base)) {
                    base++;
                }
                assertEquals(base, p.base(), "run " + run + " step " + step);
                for (long q = start; q < start + 40; q++) {
                    assertEquals(isDone(done, start, q), p.isDone(q), "done " + q);
                    assertEquals(counts.getOrDefault(q, 0).intValue(), p.deliveries(q), "count of " + q);
                }
            }
        }
    }

    private static boolean isDone(TreeSet<Long> done, long start, long offset) {
        return offset < start || done.contains(offset);
    }
}
