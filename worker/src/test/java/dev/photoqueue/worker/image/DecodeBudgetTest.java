package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reservations that fit proceed, one that does not fit now waits for a release, one that never fits is refused. */
class DecodeBudgetTest {

    private static final long KIB = 1024;
    private static final ImageHeader HEADER = new ImageHeader(ImageFormat.PNG, 9000, 9000);

    private final DecodeBudget budget = new DecodeBudget(100 * KIB);
    private final ExecutorService others = Executors.newCachedThreadPool();

    @Test
    void reservationsThatFitTogetherProceedAtOnceAndAreGivenBackOnClose() throws Exception {
        DecodeBudget.Reservation a = budget.reserve("a", HEADER, 60 * KIB);
        DecodeBudget.Reservation b = budget.tryReserve("b", HEADER, 40 * KIB).orElseThrow();
        assertEquals(100 * KIB, budget.reservedBytes());
        assertEquals(0, budget.waits());
        a.close();
        a.close(); // once only
        assertEquals(40 * KIB, budget.reservedBytes());
        b.close();
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void aReservationThatDoesNotFitNowWaitsUntilEnoughIsGivenBack() throws Exception {
        DecodeBudget.Reservation held = budget.reserve("held", HEADER, 60 * KIB);
        CountDownLatch reserved = new CountDownLatch(1);
        Future<DecodeBudget.Reservation> waiting = others.submit(() -> {
            DecodeBudget.Reservation r = budget.reserve("waiting", HEADER, 50 * KIB);
            reserved.countDown();
            return r;
        });
        awaitWaiting(1);
        assertEquals(1, budget.waits());
        assertFalse(reserved.await(0, TimeUnit.SECONDS), "reserved while 60 of 100 KiB were held");
        assertTrue(budget.tryReserve("small", HEADER, 10 * KIB).isEmpty(),
                "a small reservation does not overtake the one waiting, though it would fit");
        assertEquals(1, budget.refusals());

        held.close();
        assertTrue(reserved.await(60, TimeUnit.SECONDS), "reserved once the other was given back");
        assertEquals(50 * KIB, budget.reservedBytes());
        waiting.get().close();
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void aReservationLargerThanTheWholeBudgetIsRefusedAtOnceNamingTheImage() {
        TooLargeForHeapException e = assertThrows(TooLargeForHeapException.class,
                () -> budget.reserve("huge", HEADER, 100 * KIB + 1));
        assertTrue(e.getMessage().contains("9000x9000"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(100 * KIB + 1)), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(100 * KIB)), e.getMessage());
        assertThrows(TooLargeForHeapException.class, () -> budget.tryReserve("huge", HEADER, 101 * KIB));
        assertEquals(0, budget.waits());
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void anInterruptEndsTheWaitAndReservesNothing() throws Exception {
        DecodeBudget.Reservation held = budget.reserve("held", HEADER, 90 * KIB);
        Future<DecodeBudget.Reservation> waiting = others.submit(() -> budget.reserve("waiting", HEADER, 20 * KIB));
        awaitWaiting(1);
        waiting.cancel(true);
        awaitWaiting(0);
        assertEquals(90 * KIB, budget.reservedBytes(), "the interrupted wait took nothing");
        held.close();
        assertEquals(0, budget.reservedBytes());
        others.shutdown();
        assertTrue(others.awaitTermination(60, TimeUnit.SECONDS));
    }

    /** Waits until {@code count} reservations wait, checking the budget's own queue. */
    private void awaitWaiting(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (budget.waiting() != count) {
            assertTrue(System.nanoTime() < deadline, "waiting: " + budget.waiting() + ", not " + count);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
