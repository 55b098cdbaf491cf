package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission against maxBacklog with a queue simulated by a counter: places, refusals, and waiting for sends. */
class BacklogAdmissionTest {

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong limit = new AtomicLong(3);

    private BacklogAdmission admission(Duration maxWait) {
        return new BacklogAdmission(queued::get, limit::get, maxWait, 5);
    }

    @Test
    void admitsWhileQueuedPlusSendingStaysUnderTheLimitAndRefusesAtOnceWhenTheQueueIsFull() {
        BacklogAdmission admission = admission(Duration.ofSeconds(30));
        queued.set(1);
        admission.admit("a");
        admission.admit("b");
        queued.set(3);
        long start = System.nanoTime();
        UploadRejectedException full = assertThrows(UploadRejectedException.class, () -> admission.admit("c"));
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 20, "a full queue refuses at once");
        assertEquals(UploadRejectedException.Reason.BACKLOG_FULL, full.reason());
        assertEquals(5, full.retryAfterSeconds());
        assertTrue(full.getMessage().contains("3 jobs waiting") && full.getMessage().contains("2 more being queued")
                && full.getMessage().contains("maximum backlog is 3"), full.getMessage());
    }

    @Test
    void aRefusalCountsOneWaitingJobInTheSingular() {
        limit.set(1);
        queued.set(1);
        UploadRejectedException full = assertThrows(UploadRejectedException.class,
                () -> admission(Duration.ofSeconds(30)).admit("a"));
        assertTrue(full.getMessage().contains("have 1 job waiting, the maximum backlog is 1"), full.getMessage());
    }

    @Test
    void anUploadThatOnlySendsInFlightWouldRefuseWaitsForThemAndGetsThePlaceOfOneThatStoredNothing()
            throws Exception {
        BacklogAdmission admission = admission(Duration.ofSeconds(60));
        queued.set(1);
        CompletableFuture<Void> firstSend = sending(admission.admit("a"));
        sending(admission.admit("b"));
        CompletableFuture<BacklogAdmission.Place> third = CompletableFuture.supplyAsync(() -> admission.admit("c"));
        assertThrows(TimeoutException.class, () -> third.get(200, TimeUnit.MILLISECONDS),
                "1 queued and 2 sending of 3: the answer depends on the sends");
        firstSend.completeExceptionally(new IllegalStateException("the queue refused the job: nothing stored"));
        third.get(30, TimeUnit.SECONDS);
        assertEquals(2, admission.sending());
    }

    @Test
    void anUploadThatWaitedForSendsThatStoredTheirJobsIsRefused() {
        BacklogAdmission admission = admission(Duration.ofSeconds(60));
        List<CompletableFuture<Void>> sends = List.of(sending(admission.admit("a")), sending(admission.admit("b")),
                sending(admission.admit("c")));
        CompletableFuture<BacklogAdmission.Place> fourth = CompletableFuture.supplyAsync(() -> admission.admit("d"));
        queued.set(3); // the three jobs are in the queue; their sends complete a moment later
        sends.forEach(send -> send.complete(null));
        UploadRejectedException full = assertThrows(UploadRejectedException.class, () -> {
            try {
                fourth.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause();
            }
        });
        assertTrue(full.getMessage().contains("3 jobs waiting"), full.getMessage());
        assertEquals(0, admission.sending());
    }

    @Test
    void sendsStillInFlightAfterMaxWaitCountAsQueued() {
        BacklogAdmission admission = admission(Duration.ofMillis(200));
        limit.set(1);
        admission.admit("a");
        UploadRejectedException full = assertThrows(UploadRejectedException.class, () -> admission.admit("b"));
        assertTrue(full.getMessage().contains("0 jobs waiting (and 1 more being queued)"), full.getMessage());
    }

    @Test
    void anUploadThatEndsBeforeItsSendGivesItsPlaceBackAndOneThatSentKeepsItUntilTheSendCompletes() {
        BacklogAdmission admission = admission(Duration.ofSeconds(30));
        BacklogAdmission.Place unsent = admission.admit("a");
        BacklogAdmission.Place sent = admission.admit("b");
        CompletableFuture<Void> send = sending(sent);
        unsent.releaseUnlessSending();
        unsent.releaseUnlessSending();
        sent.releaseUnlessSending();
        assertEquals(1, admission.sending(), "the upload still sending keeps its place");
        send.complete(null);
        assertEquals(0, admission.sending());
    }

    /** A send made for {@code place}, not completed yet. */
    private static CompletableFuture<Void> sending(BacklogAdmission.Place place) {
        CompletableFuture<Void> send = new CompletableFuture<>();
        place.heldUntil(send);
        return send;
    }
}
