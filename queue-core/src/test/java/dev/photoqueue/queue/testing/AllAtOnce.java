package dev.photoqueue.queue.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls raced against each other: each on a thread of its own, all released together once every
 * thread is ready, so that they meet in the code under test rather than one after another.
 */
public final class AllAtOnce {

    private AllAtOnce() {
    }

    /**
     * Runs {@code call} for 0 to {@code n - 1} on {@code n} threads released together; returns the
     * answers in that order. Fails if the threads are not all ready within {@code wait}, or an
     * answer does not come within {@code wait}; a call that throws fails with its exception as the
     * cause. The threads are stopped before it returns.
     */
    public static <T> List<T> run(int n, Duration wait, IntFunction<T> call) throws Exception {
        if (n <= 0) {
            throw new IllegalArgumentException("racing " + n + " calls");
        }
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<T>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return call.apply(index);
                }, threads));
            }
            assertTrue(ready.await(wait.toMillis(), TimeUnit.MILLISECONDS), n + " callers ready within " + wait);
            go.countDown();
            List<T> answers = new ArrayList<>();
            for (CompletableFuture<T> c : calls) {
                answers.add(c.get(wait.toMillis(), TimeUnit.MILLISECONDS));
            }
            return answers;
        } finally {
            threads.shutdownNow();
        }
    }
}
