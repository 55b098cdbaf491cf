package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The line {@code pq produce} ends with when a send failed, from {@link ProduceCommand#outcome}
 * itself: every send failure the backends give today carries a message, so no command line
 * reaches a cause without one, and this is the seam that words it.
 */
class ProduceOutcomeTest {

    @Test
    void aSendThatFailedWithoutAMessageIsSaidInWordsNotAsNull() throws InterruptedException {
        PendingAcks acks = new PendingAcks();
        acks.add(1, CompletableFuture.completedFuture(null));
        acks.add(2, CompletableFuture.failedFuture(new IOException()));

        CommandFailedException failed = assertThrows(CommandFailedException.class,
                () -> ProduceCommand.outcome(acks, null, "t"));

        assertEquals(Pq.EXIT_FAILED, failed.exitCode());
        assertEquals("line 2 was not written: input/output error (1 of 2 records sent written to t)",
                failed.getMessage());
    }
}
