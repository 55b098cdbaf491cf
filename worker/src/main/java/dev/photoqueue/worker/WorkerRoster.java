package dev.photoqueue.worker;

import dev.photoqueue.queue.api.TransactionalProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which worker of a {@link WorkerPool} holds which slot, and their threads: the running workers
 * (oldest first), the retiring ones (asked to stop, finishing their job in hand), and the dead
 * slots waiting for a replacement, each with the transactional producer its worker left. A slot
 * names a worker's transactional id, so no two live workers hold the same slot. Not thread-safe:
 * the pool's lock guards every call.
 */
final class WorkerRoster {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRoster.class);

    /** A started worker: its slot, its loop and the thread that runs it. */
    record Running(int slot, ConsumerLoop loop, Thread thread) {
    }

    private final List<Running> running = new ArrayList<>();
    private final List<Running> retiring = new ArrayList<>();
    /** Slots whose worker died, by slot, with the producer it left (null when not transactional). */
    private final Map<Integer, TransactionalProducer> dead = new HashMap<>();

    /**
     * Runs {@code loop} on a thread of its own in {@code slot}; when the thread dies (a chaos crash,
     * an {@link Error}), the death is logged and {@code whenDied} is told, on the dying thread.
     */
    void start(int slot, ConsumerLoop loop, Consumer<Running> whenDied) {
        Thread thread = new Thread(loop, "thumbnailer-" + loop.workerId());
        Running worker = new Running(slot, loop, thread);
        thread.setUncaughtExceptionHandler((t, e) -> {
            if (e instanceof Chaos.WorkerCrash) {
                LOG.warn("worker {} crashed on purpose: {}", loop.workerId(), e.getMessage());
            } else {
                LOG.error("worker {} died", loop.workerId(), e);
            }
            whenDied.accept(worker);
        });
        thread.start();
        running.add(worker);
    }

    /** Workers started and not retired, a dying one included until its death is handled. */
    int running() {
        return running.size();
    }

    /** Slots held by a running worker or waiting for a replacement: what the pool's size counts. */
    int held() {
        return running.size() + dead.size();
    }

    /** Dead slots waiting for their replacement. */
    int dead() {
        return dead.size();
    }

    /** Running workers whose thread is alive. */
    int alive() {
        return (int) running.stream().filter(r -> r.thread().isAlive()).count();
    }

    /** The ids of the running workers whose thread is alive, oldest first. */
    List<String> aliveIds() {
        return running.stream().filter(r -> r.thread().isAlive()).map(r -> r.loop().workerId()).toList();
    }

    boolean isAlive(String workerId) {
        return running.stream().anyMatch(r -> r.loop().workerId().equals(workerId) && r.thread().isAlive());
    }

    /** The id of the worker started last. */
    String newestId() {
        return running.get(running.size() - 1).loop().workerId();
    }

    /**
     * Makes the running workers' next stop leave the jobs handed to them and not started
     * ({@link ConsumerLoop#leaveUnstartedJobsOnStop}).
     */
    void leaveUnstartedJobsOnStop() {
        running.forEach(r -> r.loop().leaveUnstartedJobsOnStop());
    }

    /** Asks the newest worker to finish its job in hand and leave; it is retiring until its thread ends. */
    void retireNewest() {
        Running r = running.remove(running.size() - 1);
        r.loop().requestStop();
        retiring.add(r);
    }

    /** Forgets the retired workers whose thread has ended. */
    void forgetRetired() {
        retiring.removeIf(r -> !r.thread().isAlive());
    }

    /** Gives up the highest dead slot: it gets no replacement, and the producer its worker left is closed. */
    void giveUpHighestDeadSlot() {
        int slot = dead.keySet().stream().max(Integer::compare).orElseThrow();
        WorkerPool.closeQuietly(dead.remove(slot));
    }

    /** The lowest slot no live, retiring or dead worker holds. */
    int freeSlot() {
        Set<Integer> taken = new HashSet<>(dead.keySet());
        running.forEach(r -> taken.add(r.slot()));
        retiring.stream().filter(r -> r.thread().isAlive()).forEach(r -> taken.add(r.slot()));
        int slot = 0;
        while (taken.contains(slot)) {
            slot++;
        }
        return slot;
    }

    /**
     * Waits until every retiring worker's thread has ended, that is, it has left the group;
     * {@link IllegalStateException} naming the workers still busy after {@code timeout}.
     */
    void awaitRetired(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Running r : retiring) {
            try {
                r.thread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the workers to leave their group", e);
            }
        }
        List<String> busy = retiring.stream().filter(r -> r.thread().isAlive()).map(r -> r.loop().workerId()).toList();
        forgetRetired();
        if (!busy.isEmpty()) {
            throw new IllegalStateException("workers " + busy + " were still busy after " + timeout
                    + " and have not left their group yet");
        }
    }

    /** Takes a worker whose thread died off the running list; false when it was not on it (retired). */
    boolean removeRunning(Running worker) {
        return running.remove(worker);
    }

    /** The slot waits for a replacement; {@code left}: the producer its worker left open, or null. */
    void markDead(int slot, TransactionalProducer left) {
        dead.put(slot, left);
    }

    boolean isDead(int slot) {
        return dead.containsKey(slot);
    }

    /** The producer the dead worker of {@code slot} left open, or null. */
    TransactionalProducer leftBy(int slot) {
        return dead.get(slot);
    }

    /** The slot has its new worker. */
    void replaced(int slot) {
        dead.remove(slot);
    }

    /**
     * Empties the roster for a stop: closes the producers dead workers left, asks every running
     * and retiring worker to stop, and returns them, to be joined with {@link #join}.
     */
    List<Running> stopAll() {
        List<Running> all = new ArrayList<>(running);
        all.addAll(retiring);
        running.clear();
        retiring.clear();
        dead.values().forEach(WorkerPool::closeQuietly);
        dead.clear();
        all.forEach(r -> r.loop().requestStop());
        return all;
    }

    /**
     * Waits up to {@code grace} for the threads of {@code workers} to end; interrupts those still
     * busy then. True when every one ended in time.
     */
    static boolean join(List<Running> workers, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        boolean allDone = true;
        for (Running r : workers) {
            try {
                r.thread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (r.thread().isAlive()) {
                allDone = false;
                LOG.warn("worker {} did not finish within the grace period of {}; interrupting it",
                        r.loop().workerId(), grace);
                r.thread().interrupt();
            }
        }
        return allDone;
    }
}
