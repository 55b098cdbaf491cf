package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.SimulatedDisk;
import dev.photoqueue.queue.env.VirtualTime;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A seeded, reproducible simulation of the in-house backend under failure: producers, ORDERED,
 * SHARED and at-most-once group members, a consume-transform-produce transaction loop, acks,
 * releases, rejects, poison records, member crashes, process crashes (one also in the middle of a
 * transaction commit), power losses with torn pages, clean restarts and injected I/O faults,
 * interleaved by one {@link Random}. Everything runs on one thread, on {@link VirtualTime} and a
 * {@link SimulatedDisk}: no real sleep, no real file, so a seed replays exactly and thousands of
 * crashes fit in minutes. After every restart {@link SimulationModel} checks what the queue
 * shows against what its clients were told; at the end the queue is drained and checked whole.
 *
 * <p>Each event goes into a SHA-256 trace: two runs of one seed give the same hash.
 */
final class QueueSimulation {

    static final Path DATA = Path.of("/photoqueue-sim/data");
    static final String JOBS = "jobs";
    static final String EVENTS = "events";
    static final String OUT = "out";
    static final String ORDERED = "ordered";
    static final String SHARED = "shared";
    static final String AT_MOST_ONCE = "at-most-once";
    static final String TRANSFORM = "transform";
    static final int MAX_DELIVERIES = 3;
    private static final int JOB_PARTITIONS = 2;
    private static final String POISON = "-poison";
    private static final long FLUSH_MS = 50;

    /** What one run did. */
    record Result(long seed, long steps, int crashes, int powerLosses, int restarts, int faults, int records,
                  String traceHash) {
    }

    /** Thrown from a commit stage to stop the simulated process there. */
    private static final class ProcessDeath extends RuntimeException {
        ProcessDeath(String where) {
            super("process stopped " + where, null, false, false);
        }
    }

    /** One group member of the simulated application; {@code consumer} is null while it is down. */
    private final class Member {
        final String group;
        final String clientId;
        final ConsumptionMode mode;
        final DeliveryGuarantee delivery;
        GroupConsumer consumer;

        Member(String group, String clientId, ConsumptionMode mode, DeliveryGuarantee delivery) {
            this.group = group;
            this.clientId = clientId;
            this.mode = mode;
            this.delivery = delivery;
        }

        void start() {
            GroupConsumerConfig config = GroupConsumerConfig.builder(group).clientId(clientId).mode(mode)
                    .delivery(delivery).maxDeliveries(MAX_DELIVERIES).sessionTimeoutMs(300).retryBackoffMs(0)
                    .retryBackoffMaxMs(0).visibilityTimeoutMs(200).maxPollRecords(1 + random.nextInt(4)).build();
            consumer = backend.groupConsumer(config);
            consumer.subscribe(List.of(JOBS));
        }
    }

    private final long seed;
    private final boolean injectFaults;
    /** Half the seeds force positions and delivery counts before every hand-out, half every flush.ms. */
    private final String internalFsync;
    private final Random random;
    private final SimulatedDisk disk = new SimulatedDisk();
    private final VirtualTime time = new VirtualTime();
    private final SimulationModel model = new SimulationModel(MAX_DELIVERIES);
    private final MessageDigest trace;
    private long step;
    private int crashes;
    private int powerLosses;
    private int restarts;
    private int faults;
    private int sentCount;

    private FaultyFileIO files;
    private InhouseBackend backend;
    private Producer producer;
    private final List<Member> members = new ArrayList<>();
    private Member transformer;
    private TransactionalProducer transactions;
    /** An injected fault may have fired since the process started: storage errors are expected then. */
    private boolean faultsSinceOpen;
    private boolean dieInNextCommit;
    /** When the positions' partition was last seen online before it went offline (Long.MAX_VALUE: online). */
    private long positionsOfflineAfter = Long.MAX_VALUE;
    private long lastStepNanos;

    QueueSimulation(long seed, boolean injectFaults) {
        this.seed = seed;
        this.injectFaults = injectFaults;
        this.random = new Random(seed);
        this.internalFsync = seed % 2 == 0 ? "always" : "interval";
        try {
            this.trace = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        disk.createDurableDirectories(DATA.getParent());
    }

    /** Runs until {@code crashTarget} crashes (of the process or of the power) happened, then drains and checks. */
    Result run(int crashTarget) {
        try {
            open();
            event("internal.fsync=" + internalFsync);
            while (crashes < crashTarget) {
                step++;
                stepOnce();
                notePositionsOffline();
            }
            drain();
            return new Result(seed, step, crashes, powerLosses, restarts, faults, sentCount,
                    HexFormat.of().formatHex(trace.digest()));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("simulation seed " + seed + " failed at step " + step + " (after " + crashes
                    + " crashes, " + powerLosses + " of them power losses): " + e.getMessage()
                    + "\n  replay: mvn -B -pl queue-core test -Dtest=QueueSimulationTest -Dsim.seed=" + seed, e);
        }
    }

    private static final boolean VERBOSE = Boolean.getBoolean("sim.verbose");

    private void event(String what) {
        String line = "#" + step + " " + what + "\n";
        trace.update(line.getBytes(StandardCharsets.UTF_8));
        if (VERBOSE) {
            System.out.print(line);
        }
    }

    private String when() {
        return "step " + step;
    }

    // ---- the process ------------------------------------------------------------------------

    private void open() {
        files = new FaultyFileIO(disk.process());
        Map<String, String> settings = new TreeMap<>(Map.of(
                InhouseConfig.DATA_DIR, DATA.toString(),
                InhouseConfig.AUTO_CREATE_TOPICS, "true",
                InhouseConfig.INTERNAL_FSYNC, internalFsync,
                "topic.segment.bytes", "4096",
                "topic.segment.index.bytes", "1024",
                "topic.index.interval.bytes", "256",
                "topic.batch.bytes", "4096",
                "topic.flush.ms", Long.toString(FLUSH_MS)));
        InhouseConfig config = InhouseConfig.parse(settings).withEnv(time.env(files));
        backend = InhouseBackend.open(config, stage -> {
            if (dieInNextCommit && stage == TransactionCoordinator.Stage.COMMIT_WRITTEN) {
                dieInNextCommit = false;
                throw new ProcessDeath("after writing a transaction's commit record");
            }
        });
        faultsSinceOpen = false;
        positionsOfflineAfter = Long.MAX_VALUE;
        lastStepNanos = time.nanoTime();
        backend.admin().createTopicIfAbsent(new NewTopic(JOBS, JOB_PARTITIONS)
                .withConfigs(Map.of(TopicConfigs.FSYNC, "always")));
        backend.admin().createTopicIfAbsent(new NewTopic(EVENTS, 1)
                .withConfigs(Map.of(TopicConfigs.FSYNC, "interval")));
        backend.admin().createTopicIfAbsent(new NewTopic(OUT, 1).withConfigs(Map.of(TopicConfigs.FSYNC, "always")));
        producer = backend.producer();
        members.clear();
        members.add(new Member(ORDERED, "ordered-a", ConsumptionMode.ORDERED, DeliveryGuarantee.AT_LEAST_ONCE));
        members.add(new Member(ORDERED, "ordered-b", ConsumptionMode.ORDERED, DeliveryGuarantee.AT_LEAST_ONCE));
        members.add(new Member(SHARED, "shared-a", ConsumptionMode.SHARED, DeliveryGuarantee.AT_LEAST_ONCE));
        members.add(new Member(SHARED, "shared-b", ConsumptionMode.SHARED, DeliveryGuarantee.AT_LEAST_ONCE));
        members.add(new Member(AT_MOST_ONCE, "at-most-once", ConsumptionMode.ORDERED, DeliveryGuarantee.AT_MOST_ONCE));
        transformer = new Member(TRANSFORM, "transform", ConsumptionMode.ORDERED, DeliveryGuarantee.AT_LEAST_ONCE);
        for (Member m : members) {
            m.start();
        }
        transformer.start();
        transactions = backend.transactionalProducer("transform-1");
        event("open");
    }

    /** The process dies (kill -9): nothing is closed, its timers die with it, the page cache stays. */
    private void crashProcess() {
        crashes++;
        event("crash");
        abandon();
        disk.crash();
        reopenAndCheck(Long.MAX_VALUE);
    }

    /** The power goes: the disk keeps what was forced, the partly written pages torn. */
    private void losePower() {
        crashes++;
        powerLosses++;
        long eventsForced = partition(EVENTS, 0).flushedOffset();
        event("power loss, events forced below " + eventsForced);
        abandon();
        disk.powerLoss(random);
        if (internalFsync.equals("interval")) {
            // What was written since the last force of the positions is gone: the last flush.ms, or
            // since the force that failed and took them offline. At-most-once commits are forced
            // always: that group keeps the strict rule.
            long window = TimeUnit.MILLISECONDS.toNanos(FLUSH_MS + 1);
            long lastForce = Math.min(time.nanoTime(), positionsOfflineAfter);
            for (String group : List.of(ORDERED, SHARED, TRANSFORM)) {
                model.forgetRecentHandOuts(group, lastForce, window);
            }
        }
        reopenAndCheck(eventsForced);
    }

    /** A clean restart: everything closed in order (an offline partition makes the close fail). */
    private void restart() {
        restarts++;
        event("restart");
        try {
            backend.close();
        } catch (QueueException e) {
            if (!faultsSinceOpen) {
                throw e;
            }
            event("close failed: " + e.getClass().getSimpleName());
        }
        time.forgetTimers();
        reopenAndCheck(Long.MAX_VALUE);
    }

    private void abandon() {
        backend = null;
        producer = null;
        transactions = null;
        time.forgetTimers();
    }

    private void reopenAndCheck(long eventsDurableBelow) {
        files.heal();
        open();
        checkAfterRestart(eventsDurableBelow);
    }

    private PartitionLog partition(String topic, int p) {
        return backend.log().topic(topic).partition(p);
    }

    private List<ConsumerRecord> readAll(String topic, int p) {
        TopicLog t = backend.log().findTopic(topic).orElse(null);
        if (t == null) {
            return List.of();
        }
        PartitionLog log = t.partition(p);
        List<ConsumerRecord> out = new ArrayList<>();
        long next = log.startOffset();
        PartitionLog.Fetch previous = null;
        while (next < log.endOffset()) {
            PartitionLog.Fetch fetch = log.read(next, 1 << 16, previous);
            out.addAll(fetch.records());
            previous = fetch;
            next = fetch.nextOffset();
        }
        return out;
    }

    // ---- one step ---------------------------------------------------------------------------

    private void stepOnce() {
        int dice = random.nextInt(1000);
        if (dice < 250) {
            attempt("produce", this::produce);
        } else if (dice < 560) {
            Member m = members.get(random.nextInt(members.size()));
            attempt("poll " + m.clientId, () -> poll(m, false));
        } else if (dice < 640) {
            attempt("transform", () -> transform(false));
        } else if (dice < 850) {
            long ms = 1 + random.nextInt(120);
            time.advance(TimeUnit.MILLISECONDS.toNanos(ms));
            event("advance " + ms + " ms");
            checkBackgroundFailures();
        } else if (dice < 900) {
            attempt("member churn", this::churn);
        } else if (dice < 915 && injectFaults) {
            injectFault();
        } else if (dice < 922) {
            crashProcess();
        } else if (dice < 926) {
            losePower();
        } else if (dice < 929) {
            restart();
        } else if (dice < 931) {
            dieInNextCommit = true;
        }
    }

    /** Remembers from when the positions' partition may have stopped being forced (a failed force). */
    private void notePositionsOffline() {
        if (positionsOfflineAfter == Long.MAX_VALUE && backend.log().offlinePartitions()
                .containsKey(new TopicPartition(LogGroupStateStore.TOPIC, 0))) {
            positionsOfflineAfter = lastStepNanos;
        }
        lastStepNanos = time.nanoTime();
    }

    /** Runs an action of the application; fencing is normal, storage errors only after an injected fault. */
    private void attempt(String what, Runnable action) {
        try {
            action.run();
        } catch (ProcessDeath death) {
            event(death.getMessage());
            crashes++;
            abandon();
            disk.crash();
            reopenAndCheck(Long.MAX_VALUE);
        } catch (FencedMemberException e) {
            event(what + ": fenced");
        } catch (QueueException e) {
            if (!faultsSinceOpen) {
                throw new AssertionError(what + " failed with no fault injected: " + e, e);
            }
            event(what + ": " + e.getClass().getSimpleName());
        }
    }

    private void checkBackgroundFailures() {
        if (!time.failures().isEmpty() && !faultsSinceOpen) {
            throw new AssertionError("background tasks failed with no fault injected: " + time.failures());
        }
        time.failures().clear();
    }

    private void produce() {
        boolean events = random.nextInt(5) == 0;
        String topic = events ? EVENTS : JOBS;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int p = events ? 0 : random.nextInt(JOB_PARTITIONS);
            String payload = topic.charAt(0) + Integer.toString(sentCount++)
                    + (!events && random.nextInt(20) == 0 ? POISON : "");
            SimulationModel.Sent sent = model.send(topic, p, payload);
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            CompletableFuture<RecordMetadata> future = producer.send(new ProducerRecord(topic, p, bytes, bytes, null,
                    List.of()));
            // The simulation's writer runs on this thread: the send is decided by now.
            if (!future.isDone()) {
                throw new AssertionError("send of " + payload + " still pending on the simulation's only thread");
            }
            if (future.isCompletedExceptionally()) {
                event("send " + payload + " failed");
                future.exceptionally(e -> null);
                if (!faultsSinceOpen) {
                    future.join();
                }
                continue;
            }
            RecordMetadata at = future.join();
            model.acked(sent, at.partition(), at.offset());
            event("sent " + payload + " -> " + at.partition() + "@" + at.offset());
        }
    }

    /** A member polls once and its application handles what it got. */
    private void poll(Member m, boolean draining) {
        if (m.consumer == null) {
            return;
        }
        List<ConsumerRecord> records = m.consumer.poll(Duration.ZERO);
        Set<TopicPartition> released = new HashSet<>();
        StringBuilder got = new StringBuilder();
        for (ConsumerRecord r : records) {
            got.append(' ').append(r.topicPartition()).append('@').append(r.offset()).append('#').append(r.deliveryCount());
            if (released.contains(r.topicPartition())) {
                continue; // behind a released record: it comes again, after it, as Kafka's seek back has it
            }
            boolean atMostOnce = m.delivery == DeliveryGuarantee.AT_MOST_ONCE;
            model.handedOut(m.group, r, atMostOnce, time.nanoTime(), when());
            if (atMostOnce) {
                continue;
            }
            handle(m, r, draining, released);
        }
        event("poll " + m.clientId + got);
    }

    private void handle(Member m, ConsumerRecord r, boolean draining, Set<TopicPartition> released) {
        boolean poison = SimulationModel.payload(r).endsWith(POISON);
        int choice = draining ? 99 : random.nextInt(100);
        if (poison || choice < 8) {
            m.consumer.acknowledge(r, AckType.RELEASE, poison ? "poison" : "try again");
            if (m.mode == ConsumptionMode.ORDERED) {
                released.add(r.topicPartition());
            }
        } else if (choice < 11) {
            m.consumer.acknowledge(r, AckType.REJECT, "rejected by the application");
            model.settled(m.group, r);
        } else if (choice < 19) {
            event(m.clientId + " keeps " + r.topicPartition() + "@" + r.offset() + " unsettled");
        } else if (choice < 21 && m.mode == ConsumptionMode.SHARED) {
            m.consumer.acknowledge(r, AckType.RENEW);
            m.consumer.ack(r);
            model.settled(m.group, r);
        } else {
            m.consumer.ack(r);
            model.settled(m.group, r);
        }
    }

    /** One consume-transform-produce transaction of the transform member. */
    private void transform(boolean draining) {
        if (transformer.consumer == null) {
            return;
        }
        List<ConsumerRecord> records = transformer.consumer.poll(Duration.ZERO);
        if (records.isEmpty()) {
            return;
        }
        transactions.beginTransaction();
        StringBuilder got = new StringBuilder();
        for (ConsumerRecord r : records) {
            model.handedOut(TRANSFORM, r, false, time.nanoTime(), when());
            got.append(' ').append(r.topicPartition()).append('@').append(r.offset());
            byte[] out = ("out:" + SimulationModel.payload(r)).getBytes(StandardCharsets.UTF_8);
            transactions.send(new ProducerRecord(OUT, 0, r.key(), out, null, List.of()));
            transactions.ackInTransaction(transformer.consumer, r);
        }
        if (!draining && random.nextInt(10) == 0) {
            transactions.abortTransaction();
            event("transform aborted" + got);
            return;
        }
        try {
            transactions.commitTransaction();
        } catch (FencedMemberException | ProducerFencedException e) {
            event("transform commit fenced" + got);
            throw e;
        } catch (RuntimeException e) {
            // A storage failure or a stop past the commit point: the outcome is unknown to the
            // application, and a committed transaction is completed at the next open.
            records.forEach(r -> model.settled(TRANSFORM, r));
            event("transform commit outcome unknown" + got);
            throw e;
        }
        records.forEach(r -> model.settled(TRANSFORM, r));
        event("transform committed" + got);
    }

    /** A member leaves cleanly, stops answering (its session expires), or comes back. */
    private void churn() {
        List<Member> all = new ArrayList<>(members);
        all.add(transformer);
        Member m = all.get(random.nextInt(all.size()));
        if (m.consumer == null) {
            m.start();
            event("join " + m.clientId);
        } else if (random.nextBoolean()) {
            GroupConsumer leaving = m.consumer;
            m.consumer = null;
            leaving.close();
            event("leave " + m.clientId);
        } else {
            m.consumer = null;
            event("silent " + m.clientId);
        }
    }

    private void injectFault() {
        faults++;
        faultsSinceOpen = true;
        FaultyFileIO.Op[] ops = {FaultyFileIO.Op.WRITE, FaultyFileIO.Op.FORCE, FaultyFileIO.Op.TRUNCATE,
            FaultyFileIO.Op.MOVE, FaultyFileIO.Op.OPEN, FaultyFileIO.Op.FORCE_DIRECTORY};
        FaultyFileIO.Op op = ops[random.nextInt(ops.length)];
        String[] places = {JOBS, EVENTS, OUT, "__consumer_offsets", "__transactions", JOBS + DeadLetters.SUFFIX, ""};
        String place = places[random.nextInt(places.length)];
        Path under = place.isEmpty() ? DATA : DATA.resolve(place);
        if (random.nextInt(4) == 0) {
            files.diskFullAfter(random.nextInt(200), FaultyFileIO.under(under));
            event("fault: disk full under " + under);
        } else {
            files.fail(op, FaultyFileIO.under(under), 1);
            event("fault: next " + op + " under " + under);
        }
    }

    // ---- checks -----------------------------------------------------------------------------

    private void checkAfterRestart(long eventsDurableBelow) {
        String when = when() + " after restart";
        for (int p = 0; p < JOB_PARTITIONS; p++) {
            model.checkLog(new TopicPartition(JOBS, p), readAll(JOBS, p), Long.MAX_VALUE, when);
        }
        model.checkLog(new TopicPartition(EVENTS, 0), readAll(EVENTS, 0), eventsDurableBelow, when);
        List<ConsumerRecord> letters = readAll(DeadLetters.topicFor(JOBS), 0);
        Map<String, Long> outputs = checkOutputs(when);
        for (String group : List.of(ORDERED, SHARED, AT_MOST_ONCE, TRANSFORM)) {
            GroupDescription description;
            try {
                description = backend.admin().describeGroup(group);
            } catch (UnknownGroupException e) {
                continue;
            }
            for (GroupDescription.PartitionLag lag : description.partitions()) {
                if (lag.committed() < 0 || !lag.topicPartition().topic().equals(JOBS)) {
                    continue;
                }
                TopicPartition tp = lag.topicPartition();
                PartitionLog log = partition(JOBS, tp.partition());
                model.checkPosition(group, tp, lag.committed(), log.startOffset(), log.endOffset(),
                        SimulationModel.deadLettered(letters, group, tp), group.equals(AT_MOST_ONCE), when);
                if (group.equals(TRANSFORM)) {
                    checkTransformed(tp, lag.committed(), outputs,
                            SimulationModel.deadLettered(letters, TRANSFORM, tp), when);
                }
            }
        }
        event("checked: " + model.acknowledged(JOBS).size() + " jobs, " + outputs.size() + " outputs");
    }

    /** Every output is there once and comes from a job in the log; returns output payload -> offset. */
    private Map<String, Long> checkOutputs(String when) {
        Set<String> jobs = new HashSet<>();
        for (int p = 0; p < JOB_PARTITIONS; p++) {
            readAll(JOBS, p).forEach(r -> jobs.add(SimulationModel.payload(r)));
        }
        Map<String, Long> outputs = new TreeMap<>();
        for (ConsumerRecord r : readAll(OUT, 0)) {
            String value = SimulationModel.payload(r);
            if (outputs.put(value, r.offset()) != null) {
                throw new AssertionError(when + ": " + value + " is in " + OUT + " twice: exactly-once broken");
            }
            if (!value.startsWith("out:") || !jobs.contains(value.substring(4))) {
                throw new AssertionError(when + ": output " + value + " comes from no job in the log");
            }
        }
        return outputs;
    }

    /** The transform group's inputs below its position each have their output, or were dead-lettered by it. */
    private void checkTransformed(TopicPartition tp, long committed, Map<String, Long> outputs, Set<Long> deadLettered,
                                  String when) {
        for (ConsumerRecord r : readAll(JOBS, tp.partition())) {
            if (r.offset() < committed && !outputs.containsKey("out:" + SimulationModel.payload(r))
                    && !deadLettered.contains(r.offset())) {
                throw new AssertionError(when + ": " + TRANSFORM + " is committed past " + tp + "@" + r.offset()
                        + " (" + SimulationModel.payload(r) + ") but its output is not in " + OUT);
            }
        }
    }

    // ---- the end ----------------------------------------------------------------------------

    /** No more faults or crashes: every member runs until every group is done with every job. */
    private void drain() {
        files.heal();
        if (faultsSinceOpen) {
            restart();
        }
        dieInNextCommit = false;
        for (Member m : members) {
            if (m.consumer == null) {
                m.start();
            }
        }
        if (transformer.consumer == null) {
            transformer.start();
        }
        for (int round = 0; round < 20_000; round++) {
            step++;
            for (Member m : members) {
                poll(m, true);
            }
            transform(true);
            time.advance(TimeUnit.MILLISECONDS.toNanos(20));
            checkBackgroundFailures();
            if (round % 50 == 49 && allDone()) {
                finalChecks();
                return;
            }
        }
        throw new AssertionError("the groups did not finish the jobs in 20000 rounds of draining: "
                + describeLag());
    }

    private boolean allDone() {
        for (Member m : members) {
            m.consumer.commitSync();
        }
        transformer.consumer.commitSync();
        for (String group : List.of(ORDERED, SHARED, AT_MOST_ONCE, TRANSFORM)) {
            for (GroupDescription.PartitionLag lag : backend.admin().describeGroup(group).partitions()) {
                if (lag.topicPartition().topic().equals(JOBS) && lag.lag() > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private String describeLag() {
        StringBuilder sb = new StringBuilder();
        for (String group : List.of(ORDERED, SHARED, AT_MOST_ONCE, TRANSFORM)) {
            sb.append(group).append(": ");
            backend.admin().describeGroup(group).partitions().forEach(l -> sb.append(l.topicPartition()).append('@')
                    .append(l.committed()).append('/').append(l.endOffset()).append(' '));
        }
        return sb.toString();
    }

    /** Every job was done by every group: processed, or dead-lettered (every poison job is). */
    private void finalChecks() {
        String when = when() + " after draining";
        checkAfterRestart(Long.MAX_VALUE);
        List<ConsumerRecord> letters = readAll(DeadLetters.topicFor(JOBS), 0);
        Map<String, Long> outputs = checkOutputs(when);
        for (int p = 0; p < JOB_PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(JOBS, p);
            for (String group : List.of(ORDERED, SHARED)) {
                Set<Long> dead = SimulationModel.deadLettered(letters, group, tp);
                for (ConsumerRecord r : readAll(JOBS, p)) {
                    if (SimulationModel.payload(r).endsWith(POISON) && !dead.contains(r.offset())) {
                        throw new AssertionError(when + ": poison job " + tp + "@" + r.offset()
                                + " is not in the dead-letter topic for group " + group);
                    }
                }
            }
            checkTransformed(tp, Long.MAX_VALUE, outputs, SimulationModel.deadLettered(letters, TRANSFORM, tp), when);
        }
        event("drained: " + outputs.size() + " outputs, " + letters.size() + " dead letters");
    }
}
