package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Members join, crash (fall silent for good), stall (fall silent past the session timeout, then
 * poll again) and leave while a producer keeps sending keyed records. Members process records in
 * the order polled and ack them a little later, out of order. Checked against a ledger of every
 * processing:
 *
 * <ul>
 * <li>every record produced is processed at least once;</li>
 * <li>a member sees a partition's offsets only go up, from its assignment until it loses or
 *     gives up the partition (a new assignment starts afresh);</li>
 * <li>the first processing of each record comes in offset order per partition, one offset at a
 *     time: ownership moves never skip a record nor run ahead of the committed position;</li>
 * <li>a record is processed more than once only when a member processed it and never acked it (it
 *     crashed, lost the partition, or its ack was fenced): a member that gives a partition up in a
 *     rebalance or a close acks what it finished in its revoke callback, so those add none;</li>
 * <li>a stalled member is told at its next poll that it lost its partitions, and joins again.</li>
 * </ul>
 *
 * <p>Each seed fixes the sequence of events and keys; events fire at fixed points of progress
 * (records processed), not at times, and the producer stays at most {@value #MAX_AHEAD} records
 * ahead of the consumers, so the churn always happens while records are flowing.
 */
class GroupChurnTest {

    private static final String TOPIC = "churn";
    private static final String GROUP = "workers";
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 6000;
    private static final int EVENTS = 16;
    private static final int MAX_AHEAD = 300;
    private static final int MAX_MEMBERS = 6;
    private static final long SESSION_MS = 250;
    /** Generous: a loaded machine may stall the workers and the producer for seconds. */
    private static final long WAIT_SECONDS = 60;

    private enum Command { CRASH, STALL, LEAVE }

    @TempDir
    Path dir;

    private QueueBackend backend;
    private final Ledger ledger = new Ledger();
    private final List<String> events = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 2718, 31_337})
    @Timeout(value = 240)
    void everyRecordIsProcessedAndFirstProcessedInOffsetOrderThroughChurn(long seed) throws Exception {
        backend = open(dir);
        try {
            backend.admin().createTopic(new NewTopic(TOPIC, PARTITIONS));
            run(seed);
        } finally {
            stopWorkers();
            backend.close();
        }
    }

    /**
     * The ledger's side of the claim above, with the interleaving forced: the driver is woken by a
     * record's processing and may order a crash while that record's acks run, after its check. When
     * that record is the last of a poll, the worker stops with records processed and not acked;
     * they count as such, and they are exactly what the next owner processes again.
     */
    @Test
    @Timeout(value = 60)
    void aCrashOrderedAfterTheLastRecordOfAPollCountsTheRecordsLeftUnacked() throws Exception {
        backend = open(dir);
        Worker crashing = null;
        Worker next = null;
        try {
            backend.admin().createTopic(new NewTopic(TOPIC, 1));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 8; i++) {
                    InhouseTestSupport.await(producer.send(ProducerRecord.of(TOPIC, "key", "v" + i)));
                }
            }
            crashing = new Worker("w0", 1);
            crashing.subscribe();
            List<ConsumerRecord> polled = pollRecords(crashing);
            Worker w = crashing;
            int[] recordsDone = {0};
            int[] leftUnacked = {-1};
            crashing.afterRecord = () -> {
                if (++recordsDone[0] == polled.size()) {
                    leftUnacked[0] = w.pending.size();
                    w.command.set(Command.CRASH);
                }
            };
            assertFalse(crashing.process(polled), "the worker went on after the order to crash");
            assertTrue(leftUnacked[0] > 0, "the worker acked all " + polled.size()
                    + " records it polled before the crash: its seed no longer makes the case");
            assertEquals(leftUnacked[0], crashing.processedNotAcked, "records processed and never acked");

            next = new Worker("w1", 2);
            next.subscribe();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (backend.admin().describeGroup(GROUP).totalLag() != 0) {
                assertTrue(System.nanoTime() < deadline,
                        "lag stayed at " + backend.admin().describeGroup(GROUP).totalLag());
                assertTrue(next.process(next.poll()));
            }
            assertEquals(List.of(), ledger.violations());
            assertEquals(leftUnacked[0], ledger.repeats(), "records processed again after the crash");
        } finally {
            for (Worker w : new Worker[] {next, crashing}) {
                if (w != null) {
                    w.consumer.close();
                }
            }
            backend.close();
        }
    }

    private static List<ConsumerRecord> pollRecords(Worker w) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            List<ConsumerRecord> records = w.poll();
            if (!records.isEmpty()) {
                return records;
            }
            assertTrue(System.nanoTime() < deadline, w.name + " polled nothing");
        }
    }

    /** Tells every worker still there to leave, and waits for their threads. */
    private void stopWorkers() throws InterruptedException {
        for (Worker w : workers) {
            if (!w.isGone()) {
                w.command.set(Command.LEAVE);
            }
        }
        for (Worker w : workers) {
            w.thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
    }

    private void run(long seed) throws Exception {
        Random random = new Random(seed);
        workers.add(startWorker(workers.size(), seed));
        workers.add(startWorker(workers.size(), seed));
        ProducerThread producer = new ProducerThread(seed);
        producer.start();

        for (int e = 1; e <= EVENTS; e++) {
            ledger.awaitFirsts((long) RECORDS * e / (EVENTS + 1), "event " + e + " of seed " + seed + ": " + events);
            List<Worker> running = workers.stream().filter(Worker::isRunning).toList();
            long staying = workers.stream().filter(w -> !w.isGone()).count();
            // 0 join, 1 crash, 2 stall, 3 leave; joins twice as likely, so groups grow past the partition count.
            int roll = Math.max(0, random.nextInt(5) - 1);
            if (roll == 0 && staying >= MAX_MEMBERS) {
                roll = 3;
            }
            if (roll != 0 && (running.isEmpty() || staying <= 1)) {
                roll = 0;
            }
            if (roll == 0) {
                Worker w = startWorker(workers.size(), seed);
                workers.add(w);
                events.add("join " + w.name);
            } else {
                Worker target = running.get(random.nextInt(running.size()));
                Command command = Command.values()[roll - 1];
                events.add(command.name().toLowerCase() + " " + target.name);
                target.command.set(command);
            }
        }
        ledger.awaitFirsts(RECORDS, "the end of seed " + seed + ": " + events);
        producer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(producer.isAlive(), "the producer did not finish");
        producer.checkSent();
        awaitNoLag();

        stopWorkers();
        for (Worker w : workers) {
            assertFalse(w.thread.isAlive(), w.name + " did not stop");
        }
        check(seed);
    }

    private void check(long seed) {
        String context = "seed " + seed + ", events " + events;
        assertEquals(List.of(), ledger.violations(), context);
        Map<Integer, Long> ends = new HashMap<>();
        for (GroupDescription.PartitionLag p : backend.admin().describeGroup(GROUP).partitions()) {
            ends.put(p.topicPartition().partition(), p.endOffset());
        }
        assertEquals(RECORDS, ends.values().stream().mapToLong(Long::longValue).sum(), context);
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(ends.get(p), ledger.firstProcessed(p), context + ": records of partition " + p
                    + " processed at least once");
        }
        int unacked = workers.stream().mapToInt(w -> w.processedNotAcked).sum();
        assertTrue(ledger.repeats() <= unacked, context + ": " + ledger.repeats() + " repeated processings, but only "
                + unacked + " records were processed and never acked (crash, lost partition, fenced ack)");
        for (Worker w : workers) {
            assertEquals(w.stalls, w.rejoinsAfterStall, context + ": " + w.name + " stalled " + w.stalls
                    + " times and joined again after " + w.rejoinsAfterStall);
        }
    }

    private Worker startWorker(int index, long seed) {
        Worker w = new Worker("w" + index, seed * 1000 + index);
        w.thread.start();
        return w;
    }

    private void awaitNoLag() {
        Admin admin = backend.admin();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (admin.describeGroup(GROUP).totalLag() != 0) {
            assertTrue(System.nanoTime() < deadline, "lag stayed at " + admin.describeGroup(GROUP).totalLag());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Every processing, by partition and offset; guarded by its monitor. */
    private static final class Ledger {
        private final Map<Integer, Map<Long, Integer>> counts = new HashMap<>();
        private final long[] nextFirst = new long[PARTITIONS];
        private final List<String> violations = new ArrayList<>();
        private long firsts;
        private int repeats;

        synchronized void processed(String worker, ConsumerRecord r) {
            int n = counts.computeIfAbsent(r.partition(), p -> new HashMap<>()).merge(r.offset(), 1, Integer::sum);
            if (n > 1) {
                repeats++;
                return;
            }
            if (r.offset() != nextFirst[r.partition()]) {
                violation(worker + " processed " + r.topicPartition() + "@" + r.offset()
                        + " for the first time, but the partition's next first processing should have been "
                        + nextFirst[r.partition()]);
            }
            nextFirst[r.partition()] = Math.max(nextFirst[r.partition()], r.offset() + 1);
            firsts++;
            notifyAll();
        }

        synchronized void violation(String what) {
            if (violations.size() < 20) {
                violations.add(what);
            }
            notifyAll();
        }

        synchronized List<String> violations() {
            return List.copyOf(violations);
        }

        /** Waits until {@code target} records were processed at least once; fails on a violation or after WAIT_SECONDS. */
        synchronized void awaitFirsts(long target, String context) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (firsts < target && violations.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("only " + firsts + " of " + target + " records processed before " + context);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            assertEquals(List.of(), violations, context);
        }

        /** Records of the partition processed at least once: all of offsets 0 to this, exclusive. */
        synchronized long firstProcessed(int partition) {
            Map<Long, Integer> c = counts.getOrDefault(partition, Map.of());
            assertEquals(nextFirst[partition], c.size(), "partition " + partition + " has gaps");
            return c.size();
        }

        synchronized int repeats() {
            return repeats;
        }
    }

    /** Sends {@value #RECORDS} keyed records, staying at most {@value #MAX_AHEAD} ahead of the consumers. */
    private final class ProducerThread extends Thread {
        private final Random random;
        private final List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();

        ProducerThread(long seed) {
            super("churn-producer");
            this.random = new Random(seed * 31 + 7);
        }

        @Override
        public void run() {
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < RECORDS; i++) {
                    ledger.awaitFirsts(i - MAX_AHEAD, "sending record " + i);
                    sends.add(producer.send(ProducerRecord.of(TOPIC, "key-" + random.nextInt(40), "v" + i)));
                }
            } catch (Throwable t) {
                ledger.violation("the producer failed: " + t);
            }
        }

        void checkSent() {
            assertEquals(RECORDS, sends.size());
            sends.forEach(InhouseTestSupport::await);
        }
    }

    /**
     * One member on its own thread. It processes records in the order polled (checking that order
     * and writing to the ledger) but acks them late and out of order: up to a few stay pending,
     * across polls, and a random one of them is acked next. Pending acks of revoked partitions are
     * made in the revoke callback; those of lost partitions are dropped. Obeys the driver's command
     * at the next record (crash) or poll (stall, leave).
     */
    private final class Worker implements Runnable, RebalanceListener {
        final String name;
        final Thread thread;
        final GroupConsumer consumer;
        /** The driver's order, or null to keep working; a stall clears its own order when it ends. */
        final AtomicReference<Command> command = new AtomicReference<>();
        private volatile boolean gone;
        private volatile boolean stalling;
        private final Random random;
        /** Per owned partition, the last offset processed since it was assigned (-1: none yet). */
        private final Map<TopicPartition, Long> lastOffset = new HashMap<>();
        /** Processed, not yet acked. */
        private final List<ConsumerRecord> pending = new ArrayList<>();
        private String stalledMemberId;
        private boolean lostSinceStall;
        /** Records processed whose ack was never made (crash, loss, fence): each may be processed again once. */
        int processedNotAcked;
        int stalls;
        int rejoinsAfterStall;
        /** When the last call on the consumer that heartbeats (subscribe, poll, ack) started, by System.nanoTime. */
        private long lastCallNanos;
        /**
         * At least the longest the current member went without a heartbeat up to its last call: for
         * each two calls in a row, the time from the start of the first to the return of the second
         * (each call heartbeats between its start and its return). Starts afresh at a call that
         * joined the group under a new member id.
         */
        private long longestSilenceNanos;
        /** Runs after each record's processing and acks: the window in which a driver's order may land. */
        Runnable afterRecord = () -> {
        };

        Worker(String name, long seed) {
            this.name = name;
            this.random = new Random(seed);
            this.thread = new Thread(this, "churn-" + name);
            this.consumer = backend.groupConsumer(GroupConsumerConfig.builder(GROUP).clientId(name)
                    .sessionTimeoutMs(SESSION_MS).maxPollRecords(1 + random.nextInt(8)).build());
        }

        boolean isRunning() {
            return command.get() == null && !stalling && !gone;
        }

        boolean isGone() {
            Command c = command.get();
            return gone || c == Command.CRASH || c == Command.LEAVE;
        }

        @Override
        public void run() {
            try {
                subscribe();
                while (true) {
                    Command c = command.get();
                    if (c == Command.LEAVE) {
                        leave();
                        return;
                    }
                    if (c == Command.STALL) {
                        stall();
                    }
                    List<ConsumerRecord> records = poll();
                    if (c == Command.STALL) {
                        afterStall();
                    }
                    if (!process(records)) {
                        return;
                    }
                }
            } catch (Throwable t) {
                ledger.violation(name + " failed: " + t);
            } finally {
                gone = true;
            }
        }

        /** Closes; the revoke callback must have finished every pending record, unless the member was removed. */
        private void leave() {
            consumer.close();
            if (pending.isEmpty()) {
                return;
            }
            // close skips the revoke callback only for a removed member
            if (cannotHaveBeenRemoved()) {
                ledger.violation(name + " closed without a revoke callback for " + pending + ", though it was "
                        + silence());
            } else {
                // Maybe removed while busy (a slow machine can do that): there was nothing left to revoke.
                processedNotAcked += pending.size();
            }
            pending.clear();
        }

        void subscribe() {
            heartbeating(() -> {
                consumer.subscribe(List.of(TOPIC), this);
                return null;
            });
        }

        List<ConsumerRecord> poll() {
            return heartbeating(() -> consumer.poll(Duration.ofMillis(20)));
        }

        /** Makes a call on the consumer that heartbeats, and widens the bound on the member's silence by it. */
        /**
         * The coordinator removes a member only after a silence longer than the session (on
         * System.nanoTime, the clock of this backend). Removal may act on a silence that ended just
         * before the last call (it reads the heartbeat, then removes), so the bound covers the
         * member's whole life up to now, not only the time since its last call.
         */
        private boolean cannotHaveBeenRemoved() {
            return silentAtMostNanos() < TimeUnit.MILLISECONDS.toNanos(SESSION_MS);
        }

        private long silentAtMostNanos() {
            return Math.max(longestSilenceNanos, System.nanoTime() - lastCallNanos);
        }

        private String silence() {
            return "silent for at most " + TimeUnit.NANOSECONDS.toMillis(silentAtMostNanos()) + " ms, under the "
                    + "session timeout of " + SESSION_MS + " ms";
        }

        private <T> T heartbeating(Supplier<T> call) {
            String memberBefore = consumer.memberId();
            long start = System.nanoTime();
            try {
                return call.get();
            } finally {
                long end = System.nanoTime();
                longestSilenceNanos = Objects.equals(memberBefore, consumer.memberId())
                        ? Math.max(longestSilenceNanos, end - lastCallNanos)
                        : end - start;
                lastCallNanos = start;
            }
        }

        /** False when the member crashed. */
        private boolean process(List<ConsumerRecord> records) {
            if (records.isEmpty()) {
                // Idle: ack what is still pending, so the group's lag can reach 0.
                while (!pending.isEmpty()) {
                    if (!ack(pending.remove(0))) {
                        processedNotAcked += pending.size();
                        pending.clear();
                    }
                }
            }
            for (ConsumerRecord r : records) {
                Long last = lastOffset.get(r.topicPartition());
                if (last == null) {
                    ledger.violation(name + " got " + r + " of a partition it was not assigned");
                } else if (r.offset() <= last) {
                    ledger.violation(name + " went back on " + r.topicPartition() + " from " + last + " to "
                            + r.offset() + " within one assignment");
                }
                lastOffset.put(r.topicPartition(), r.offset());
                ledger.processed(name, r);
                pending.add(r);
                if (command.get() == Command.CRASH) {
                    return crash();
                }
                int keep = random.nextInt(4);
                while (pending.size() > keep) {
                    if (!ack(pending.remove(random.nextInt(pending.size())))) {
                        // Removed while busy (a slow machine can do that): the next poll tells it so.
                        processedNotAcked += pending.size();
                        pending.clear();
                        return true;
                    }
                }
                afterRecord.run();
            }
            // The driver is woken by a record's processing, so its order often lands while that
            // record's acks run, after its check above: what is still pending counts here too.
            return command.get() != Command.CRASH || crash();
        }

        /** Stops for good: what it processed and did not ack stays unacked, for the next owner to process again. */
        private boolean crash() {
            processedNotAcked += pending.size();
            pending.clear();
            return false;
        }

        private boolean ack(ConsumerRecord r) {
            try {
                heartbeating(() -> {
                    consumer.ack(r);
                    return null;
                });
                return true;
            } catch (FencedMemberException e) {
                processedNotAcked++;
                return false;
            }
        }

        /** Silent until the coordinator has removed this member: no call on the consumer meanwhile. */
        private void stall() {
            stalling = true;
            stalls++;
            lostSinceStall = lastOffset.isEmpty();
            stalledMemberId = consumer.memberId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (backend.admin().describeGroup(GROUP).members().stream()
                    .anyMatch(m -> m.memberId().equals(stalledMemberId))) {
                if (System.nanoTime() > deadline) {
                    ledger.violation(name + " (" + stalledMemberId + ") was never removed while silent");
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        private void afterStall() {
            if (!lostSinceStall) {
                ledger.violation(name + " polled after its removal but was not told it lost its partitions");
            }
            if (stalledMemberId.equals(consumer.memberId())) {
                ledger.violation(name + " polled after its removal but did not join again");
            } else {
                rejoinsAfterStall++;
            }
            command.compareAndSet(Command.STALL, null);
            stalling = false;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> lastOffset.put(tp, -1L));
        }

        /** Finishes: acks what it processed of these partitions before they move. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(lastOffset::remove);
            List<ConsumerRecord> finishing = pending.stream().filter(r -> partitions.contains(r.topicPartition())).toList();
            pending.removeAll(finishing);
            for (ConsumerRecord r : finishing) {
                // A member removed while busy (a slow machine can do that) is fenced here: ack counts it.
                if (!ack(r) && cannotHaveBeenRemoved()) {
                    ledger.violation(name + " could not ack " + r + " in its revoke callback, though it was "
                            + silence());
                }
            }
        }

        /** Too late to ack: what it processed of these partitions and did not ack goes to the next owner. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(lastOffset::remove);
            List<ConsumerRecord> dropped = pending.stream().filter(r -> partitions.contains(r.topicPartition())).toList();
            pending.removeAll(dropped);
            processedNotAcked += dropped.size();
            lostSinceStall = true;
        }
    }
}
