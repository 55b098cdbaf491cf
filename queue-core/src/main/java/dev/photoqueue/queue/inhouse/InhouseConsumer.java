package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.log.DataSignal;
import dev.photoqueue.queue.log.PartitionLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A manually assigned consumer of the embedded log. Each fetch reads about
 * {@code fetchMaxBytes} from one partition and keeps what one poll does not return, so sequential
 * reading costs one file read per fetch, not per poll. Polls rotate over the partitions so none
 * starves. Not thread-safe, like every {@link Consumer}.
 */
final class InhouseConsumer implements Consumer {

    /** Where one assigned partition is read from, and what was fetched but not yet returned. */
    private static final class Position {
        final PartitionLog log;
        long next;
        PartitionLog.Fetch lastFetch;
        /** Records of the last fetch from index {@code taken} on are not yet returned. */
        List<ConsumerRecord> fetched = List.of();
        int taken;

        Position(PartitionLog log, long next) {
            this.log = log;
            this.next = next;
        }

        boolean hasBuffered() {
            return taken < fetched.size();
        }

        void seek(long offset) {
            next = offset;
            lastFetch = null;
            fetched = List.of();
            taken = 0;
        }
    }

    private final InhouseBackend backend;
    private final ConsumerConfig config;
    private final Map<TopicPartition, Position> positions = new LinkedHashMap<>();
    private int rotation;
    private boolean closed;

    InhouseConsumer(InhouseBackend backend, ConsumerConfig config) {
        this.backend = backend;
        this.config = config;
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        Map<TopicPartition, Position> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Position existing = positions.get(tp);
            if (existing != null) {
                next.put(tp, existing);
            } else {
                PartitionLog log = logOf(tp);
                next.put(tp, new Position(log, log.startOffset()));
            }
        }
        positions.clear();
        positions.putAll(next);
    }

    private PartitionLog logOf(TopicPartition tp) {
        return backend.topic(tp.topic()).partition(tp.partition());
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Collections.unmodifiableSet(positions.keySet());
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        Position p = assigned(partition);
        long start = p.log.startOffset();
        long end = p.log.endOffset();
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(partition, offset, start, end);
        }
        p.seek(offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Position p = assigned(tp);
            p.seek(p.log.startOffset());
        }
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Position p = assigned(tp);
            p.seek(p.log.endOffset());
        }
    }

    @Override
    public long position(TopicPartition partition) {
        return assigned(partition).next;
    }

    private Position assigned(TopicPartition tp) {
        ensureOpen();
        Position p = positions.get(tp);
        if (p == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer; assigned: "
                    + positions.keySet());
        }
        return p;
    }

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        DataSignal signal = backend.log().signal();
        while (true) {
            long seen = signal.version();
            List<ConsumerRecord> records = collect();
            if (!records.isEmpty()) {
                return records;
            }
            if (positions.isEmpty() || !signal.awaitBefore(seen, deadline, Long.MAX_VALUE)) {
                return List.of();
            }
        }
    }

    /**
     * Up to {@code max.poll.records} from the partitions' fetched records, taking turns. A poll
     * served by one fetch returns a read-only view of it rather than a copy: the fetch list is
     * never changed after it is made, only replaced.
     */
    private List<ConsumerRecord> collect() {
        int n = positions.size();
        if (n == 0) {
            return List.of();
        }
        Position[] order = positions.values().toArray(new Position[0]);
        List<ConsumerRecord> out = null;
        ArrayList<ConsumerRecord> merged = null;
        int max = config.maxPollRecords();
        for (int i = 0; i < n && (out == null || out.size() < max); i++) {
            Position p = order[(rotation + i) % n];
            if (!p.hasBuffered()) {
                fetch(p);
            }
            if (!p.hasBuffered()) {
                continue;
            }
            int count = Math.min(p.fetched.size() - p.taken, max - (out == null ? 0 : out.size()));
            List<ConsumerRecord> taken = p.fetched.subList(p.taken, p.taken + count);
            if (out == null) {
                out = taken;
            } else {
                if (merged == null) {
                    merged = new ArrayList<>(Math.min(max, out.size() + count));
                    merged.addAll(out);
                    out = merged;
                }
                merged.addAll(taken);
            }
            p.taken += count;
            p.next = taken.get(count - 1).offset() + 1;
        }
        rotation = (rotation + 1) % n;
        if (out == null) {
            return List.of();
        }
        return Collections.unmodifiableList(out);
    }

    private void fetch(Position p) {
        if (p.next >= p.log.endOffset()) {
            return;
        }
        PartitionLog.Fetch fetch = p.log.read(p.next, config.fetchMaxBytes(), config.maxPollRecords(), p.lastFetch);
        p.lastFetch = fetch;
        p.fetched = fetch.records();
        p.taken = 0;
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        ensureOpen();
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            result.put(tp, logOf(tp).startOffset());
        }
        return result;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        ensureOpen();
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            result.put(tp, logOf(tp).endOffset());
        }
        return result;
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        ensureOpen();
        Map<TopicPartition, OffsetAndTimestamp> result = new LinkedHashMap<>();
        timestamps.forEach((tp, ts) -> {
            OffsetAndTimestamp found = logOf(tp).offsetForTimestamp(ts);
            if (found != null) {
                result.put(tp, found);
            }
        });
        return result;
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueueClosedException("consumer");
        }
    }

    @Override
    public void close() {
        closed = true;
        positions.clear();
    }
}
