package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.group.MemberSession;
import dev.photoqueue.queue.inhouse.TransactionLog.Commit;
import dev.photoqueue.queue.inhouse.TransactionLog.Output;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Commits transactions of the in-house backend, one at a time, and finishes after a restart the
 * ones a crash interrupted.
 *
 * <p>A commit: (1) under the group lock, checks that each input delivery is current, writes the
 * COMMIT record (the commit point, see {@link TransactionLog}) and marks the inputs done in
 * memory; (2) appends the outputs to their partitions, each with the header
 * {@value #TRANSACTION_HEADER}; (3) persists the group's positions; (4) writes COMPLETE. A crash
 * before (1) wrote its record leaves nothing; after it, opening the queue again repeats (2) to
 * (4): outputs are appended only where the header shows they are missing (searching from the
 * partition's end offset when the commit was decided), and acks are marked done again, which is
 * idempotent. So every output is appended once, and its input is done exactly when it is.
 *
 * <p>Thread-safe: commits, epoch changes and snapshots are serialised by one lock.
 */
final class TransactionCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** Names the transaction (transactional id / epoch / sequence) on each record it wrote. */
    static final String TRANSACTION_HEADER = "pq.transaction";

    /** The steps of a commit, for tests that stop the process between them. */
    enum Stage { COMMIT_WRITTEN, OUTPUTS_WRITTEN, POSITIONS_PERSISTED }

    /** Told each step of a commit as it is done; a test's hook may halt the process there. */
    interface StageListener {
        StageListener NONE = stage -> { };

        void reached(Stage stage);
    }

    /**
     * A commit passed its commit point but could not be applied now (the queue is closing, or a
     * write failed): it is durable, and applied when the queue is next opened.
     */
    static final class IncompleteCommitException extends QueueException {
        IncompleteCommitException(String marker, Throwable cause) {
            super("transaction " + marker + " committed, but applying it failed (" + cause + "); it is applied "
                    + "when the queue is next opened", cause);
        }
    }

    private final LogManager log;
    private final GroupCoordinator groups;
    private final TransactionLog decisions;
    private final StageListener stages;
    private final Map<String, Integer> epochs;
    private final Object lock = new Object();

    private TransactionCoordinator(LogManager log, GroupCoordinator groups, TransactionLog decisions,
                                   Map<String, Integer> epochs, StageListener stages) {
        this.log = log;
        this.groups = groups;
        this.decisions = decisions;
        this.epochs = epochs;
        this.stages = stages;
    }

    /** Loads the decisions and applies every commit a crash left unapplied, before anyone reads. */
    static TransactionCoordinator open(LogManager log, GroupCoordinator groups, StageListener stages) {
        TransactionLog decisions = new TransactionLog(log);
        TransactionLog.State state = decisions.load();
        TransactionCoordinator coordinator = new TransactionCoordinator(log, groups, decisions,
                new LinkedHashMap<>(state.epochs()), stages);
        for (Commit c : state.pending()) {
            LOG.info("completing transaction {} ({} outputs, {} acks of group {}), committed before the last stop",
                    c.marker(), c.outputs().size(), c.acks().values().stream().mapToInt(List::size).sum(),
                    c.groupId());
            if (c.groupId() != null) {
                groups.applyCommittedAcks(c.groupId(), c.acks());
            }
            coordinator.applyOutputs(c, true);
            decisions.writeComplete(c);
        }
        return coordinator;
    }

    /** Takes {@code transactionalId} over: returns the new epoch; earlier producers of the id are fenced. */
    int register(String transactionalId) {
        synchronized (lock) {
            int epoch = epochs.getOrDefault(transactionalId, 0) + 1;
            decisions.writeInit(transactionalId, epoch);
            epochs.put(transactionalId, epoch);
            return epoch;
        }
    }

    /**
     * Commits: the outputs and the acks of {@code inputs} (delivered to {@code session}, may be
     * null without inputs) become durable together. Returns the outputs' metadata, in order.
     * {@link ProducerFencedException} or {@link dev.photoqueue.queue.api.FencedMemberException}
     * before the commit point: nothing happened.
     */
    List<RecordMetadata> commit(String transactionalId, int epoch, long sequence, List<Output> outputs,
                                MemberSession session, List<ConsumerRecord> inputs) {
        synchronized (lock) {
            int current = epochs.getOrDefault(transactionalId, 0);
            if (current != epoch) {
                throw new ProducerFencedException(transactionalId, "a newer producer (epoch " + current
                        + ") took the id over from this one (epoch " + epoch + "); the transaction was aborted");
            }
            Map<TopicPartition, List<Long>> acks = new LinkedHashMap<>();
            for (ConsumerRecord r : inputs) {
                acks.computeIfAbsent(r.topicPartition(), k -> new ArrayList<>()).add(r.offset());
            }
            Map<TopicPartition, Long> from = new LinkedHashMap<>();
            for (Output o : outputs) {
                from.computeIfAbsent(o.topicPartition(), tp -> partition(tp).orElseThrow().endOffset());
            }
            Commit c = new Commit(transactionalId, epoch, sequence, session == null ? null : session.groupId(), acks,
                    outputs, from);
            if (session == null) {
                decisions.writeCommit(c);
            } else {
                session.ackAtomically(inputs, () -> decisions.writeCommit(c));
            }
            stages.reached(Stage.COMMIT_WRITTEN);
            List<RecordMetadata> written = applyOutputs(c, false);
            stages.reached(Stage.OUTPUTS_WRITTEN);
            try {
                if (session != null) {
                    // Forced before COMPLETE: a COMPLETE that outlived a power loss its positions did
                    // not would let the inputs be processed again.
                    session.commitSyncForced();
                }
                stages.reached(Stage.POSITIONS_PERSISTED);
                decisions.writeComplete(c);
                decisions.snapshotIfLarge(epochs);
            } catch (QueueException e) {
                throw new IncompleteCommitException(c.marker(), e);
            }
            return written;
        }
    }

    private Optional<PartitionLog> partition(TopicPartition tp) {
        return log.findTopic(tp.topic()).filter(t -> tp.partition() < t.partitionCount())
                .map(t -> t.partition(tp.partition()));
    }

    /**
     * Appends the outputs, in order per partition, each with the header {@value #TRANSACTION_HEADER}
     * naming the transaction and the output's place in it. When {@code recovering}, first finds
     * which of this transaction's outputs each partition holds already and appends only the
     * others; their metadata is then not known and left null. Outputs are found by their place,
     * not counted as a prefix: an append that failed in the middle (and was cut back) may be
     * followed by one that succeeded, and the missing one then lands after it.
     */
    private List<RecordMetadata> applyOutputs(Commit c, boolean recovering) {
        Map<TopicPartition, Set<Integer>> present = new LinkedHashMap<>();
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(c.outputs().size());
        for (int i = 0; i < c.outputs().size(); i++) {
            Output o = c.outputs().get(i);
            Optional<PartitionLog> target = partition(o.topicPartition());
            if (target.isEmpty()) {
                LOG.error("transaction {}: partition {} no longer exists; its output there is dropped", c.marker(),
                        o.topicPartition());
                futures.add(CompletableFuture.completedFuture(null));
                continue;
            }
            PartitionLog p = target.get();
            if (recovering && present.computeIfAbsent(o.topicPartition(), tp -> writtenOutputs(p, c,
                    c.fromOffsets().getOrDefault(tp, p.startOffset()))).contains(i)) {
                futures.add(CompletableFuture.completedFuture(null));
                continue;
            }
            List<Header> headers = new ArrayList<>(o.headers().size() + 1);
            headers.addAll(o.headers());
            headers.add(Header.of(TRANSACTION_HEADER, outputMarker(c, i)));
            futures.add(p.append(o.timestamp(), o.key(), o.value(), headers));
        }
        List<RecordMetadata> out = new ArrayList<>(futures.size());
        try {
            for (CompletableFuture<RecordMetadata> f : futures) {
                out.add(f.join());
            }
        } catch (CompletionException e) {
            throw new IncompleteCommitException(c.marker(), e.getCause());
        }
        return out;
    }

    private static String outputMarker(Commit c, int index) {
        return c.marker() + "/" + index;
    }

    /**
     * The places of this transaction's outputs that {@code p} holds from {@code fromOffset} on. A
     * record marked with the transaction alone (written before outputs carried their place) counts
     * as the next place in order, as they were then appended.
     */
    private static Set<Integer> writtenOutputs(PartitionLog p, Commit c, long fromOffset) {
        byte[] legacy = c.marker().getBytes(StandardCharsets.UTF_8);
        String prefix = c.marker() + "/";
        Set<Integer> places = new TreeSet<>();
        int legacyCount = 0;
        long next = Math.max(fromOffset, p.startOffset());
        PartitionLog.Fetch previous = null;
        while (next < p.endOffset()) {
            PartitionLog.Fetch fetch = p.read(next, 1 << 20, previous);
            for (ConsumerRecord r : fetch.records()) {
                for (Header h : r.headers()) {
                    if (!h.key().equals(TRANSACTION_HEADER)) {
                        continue;
                    }
                    String value = new String(h.value(), StandardCharsets.UTF_8);
                    if (value.startsWith(prefix)) {
                        places.add(Integer.parseInt(value.substring(prefix.length())));
                    } else if (Arrays.equals(h.value(), legacy)) {
                        legacyCount++;
                    }
                }
            }
            previous = fetch;
            next = fetch.nextOffset();
        }
        if (legacyCount > 0) {
            for (int i = 0; i < c.outputs().size() && legacyCount > 0; i++) {
                if (c.outputs().get(i).topicPartition().equals(p.topicPartition())) {
                    places.add(i);
                    legacyCount--;
                }
            }
        }
        return places;
    }
}
