package dev.photoqueue.worker;

import dev.photoqueue.worker.job.PermanentJobException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's job thread: runs the job elsewhere, vouches for the member meanwhile, and passes outcomes back. */
@Timeout(60)
class JobThreadTest {

    private static final Duration OFTEN = Duration.ofMillis(10);

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void aJobThatNeedNotYieldRunsAtNormalPriorityAndTheOthersAtTheWorkersNiceValue() throws Exception {
        java.util.Optional<Integer> before = CpuPriority.currentNice();
        assertTrue(before.isPresent(), "the test thread's nice value is readable");
        org.junit.jupiter.api.Assumptions.assumeTrue(before.get() < 19, "the build already runs at the lowest priority");
        int nice = Math.min(19, before.get() + 7);
        try (JobThread jobs = new JobThread("job-test", nice, OFTEN, Duration.ofMinutes(5), () -> { })) {
            assertEquals(java.util.Optional.of(nice), jobs.run("yielding", true, CpuPriority::currentNice));
            assertEquals(before, jobs.run("normal", false, CpuPriority::currentNice),
                    "a thread once lowered never rises again: the normal job runs on a thread of its own");
            assertEquals(java.util.Optional.of(nice), jobs.run("yielding again", true, CpuPriority::currentNice));
            assertEquals(before, jobs.run("normal again", false, CpuPriority::currentNice));
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void aNormalJobIsLoweredWhileItRunsWhenAskedAndTheNextNormalJobGetsANewThread() throws Exception {
        java.util.Optional<Integer> before = CpuPriority.currentNice();
        org.junit.jupiter.api.Assumptions.assumeTrue(before.isPresent() && before.get() < 19,
                "the build already runs at the lowest priority");
        int nice = Math.min(19, before.get() + 7);
        CountDownLatch started = new CountDownLatch(1);
        try (JobThread jobs = new JobThread("job-test", nice, OFTEN, Duration.ofMinutes(5), () -> { })) {
            java.util.concurrent.CompletableFuture<java.util.Optional<Integer>> lowered =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return jobs.run("lowered while running", false, () -> {
                                started.countDown();
                                // runs until renice has lowered this very thread
                                while (!CpuPriority.currentNice().equals(java.util.Optional.of(nice))) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                                }
                                return CpuPriority.currentNice();
                            });
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            jobs.yieldNow();
            assertEquals(java.util.Optional.of(nice), lowered.get(30, TimeUnit.SECONDS));
            assertEquals(before, jobs.run("normal again", false, CpuPriority::currentNice));
        }
    }

    @Test
    void keepsTheMemberAliveWhileTheJobRunsOnItsOwnThread() throws Exception {
        AtomicInteger keepAlives = new AtomicInteger();
        CountDownLatch kept = new CountDownLatch(3);
        try (JobThread jobs = new JobThread("job-test", 0, OFTEN, Duration.ofMinutes(5), () -> {
            keepAlives.incrementAndGet();
            kept.countDown();
        })) {
            Thread caller = Thread.currentThread();
            String ranOn = jobs.run("a job", () -> {
                await(kept);
                return Thread.currentThread().getName();
            });
            assertEquals("job-test", ranOn);
            assertNotEquals(caller.getName(), ranOn);
            assertTrue(keepAlives.get() >= 3, keepAlives + " keep-alives while the job ran");
        }
    }

    @Test
    void stopsVouchingOnceTheJobHasRunForTheLimit() throws Exception {
        AtomicInteger keepAlives = new AtomicInteger();
        Duration limit = Duration.ofMillis(100);
        try (JobThread jobs = new JobThread("job-test", 0, OFTEN, limit, keepAlives::incrementAndGet)) {
            // A job four times the limit long, ten times the keep-alive interval past it.
            int result = jobs.run("a long job", () -> {
                sleep(4 * limit.toMillis());
                return 1;
            });
            assertEquals(1, result);
            long mostWithinTheLimit = limit.toMillis() / OFTEN.toMillis() + 1;
            assertTrue(keepAlives.get() >= 1 && keepAlives.get() <= mostWithinTheLimit, keepAlives
                    + " keep-alives for a job of " + 4 * limit.toMillis() + " ms with a limit of " + limit
                    + " and one every " + OFTEN);
        }
    }

    @Test
    void throwsWhatTheJobThrewAsItIs() throws Exception {
        PermanentJobException permanent = new PermanentJobException("p1", "not an image", null) {
        };
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        try (JobThread jobs = new JobThread("job-test", 0, OFTEN, Duration.ofMinutes(5), () -> { })) {
            assertSame(permanent, assertThrows(PermanentJobException.class, () -> jobs.run("p1", () -> {
                throw permanent;
            })));
            assertSame(oom, assertThrows(OutOfMemoryError.class, () -> jobs.run("p2", () -> {
                throw oom;
            })));
            assertEquals("next", jobs.run("p3", () -> "next"), "the thread takes the next job after a failure");
        }
    }

    @Test
    void anInterruptOfTheCallerInterruptsTheJob() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (JobThread jobs = new JobThread("job-test", 0, OFTEN, Duration.ofMinutes(5), () -> { })) {
            Thread caller = new Thread(() -> {
                try {
                    jobs.run("a long job", () -> {
                        started.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                        }
                        return null;
                    });
                } catch (InterruptedException expected) {
                    // the caller was stopped
                }
            });
            caller.start();
            assertTrue(started.await(30, TimeUnit.SECONDS), "the job started");
            caller.interrupt();
            assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the job was interrupted");
            caller.join(30_000);
        }
    }

    /** The job's own work, simulated: it takes this long. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "latch");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
