package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which jobs yield the cores to uploads: those appended before the latest upload started. */
class ForegroundActivityTest {

    @Test
    void noJobYieldsWhileNoUploadHasStarted() {
        ForegroundActivity uploads = new ForegroundActivity();
        assertFalse(uploads.startedSince(0));
        assertFalse(uploads.startedSince(Long.MIN_VALUE + 1));
    }

    @Test
    void aJobAppendedBeforeAnUploadStartedYieldsAndOneAppendedAfterItDoesNot() {
        ForegroundActivity uploads = new ForegroundActivity();
        long jobBefore = System.currentTimeMillis();
        uploads.started();
        long jobAfter = System.currentTimeMillis() + 1; // a job appended in a later millisecond
        assertTrue(uploads.startedSince(jobBefore), "a newer upload arrived after this job");
        assertFalse(uploads.startedSince(jobAfter), "this job is newer than every upload");
    }

    @Test
    void anUploadStartingTellsEveryWorkerUntilItIsRemoved() {
        ForegroundActivity uploads = new ForegroundActivity();
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        Runnable worker = told::incrementAndGet;
        uploads.whenStarted(worker);
        uploads.started();
        uploads.remove(worker);
        uploads.started();
        org.junit.jupiter.api.Assertions.assertEquals(1, told.get());
    }
}
