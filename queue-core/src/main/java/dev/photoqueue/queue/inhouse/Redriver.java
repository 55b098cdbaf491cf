package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.log.TopicLog;
import dev.photoqueue.queue.spi.DeadLetterRedriver;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Sends dead letters back to the partition they came from, each exactly once, whatever moment the
 * process stops at: the internal group {@value DeadLetterRedriver#GROUP} consumes the dead-letter
 * topic, and each copy is sent in one transaction with that group's ack of its dead letter (out of
 * order when need be), so the copy is written if and only if the dead letter counts as redriven. A
 * plain send followed by an ack would leave a window, up to the group's next persisted position,
 * in which a kill -9 keeps the copy but not the ack, and the next redrive sends it again. What that
 * group has not acked is what {@link #deadLetters} lists.
 *
 * <p>A transaction holds at most {@value #BATCH_RECORDS} copies or {@value #BATCH_BYTES} bytes and
 * is committed once it is {@value #BATCH_MILLIS} ms old, at the end of each poll and before
 * returning, so a copy becomes visible at most that long (or one wait of a paced redrive) after it
 * was sent; the transactional producer is created only when a first dead letter is redriven, so a
 * listing writes nothing. One redrive at a time: the methods are serialised.
 */
final class Redriver extends DeadLetterRedriver {

    /** An empty poll this long, with the partition assigned, means the dead-letter topic has nothing more. */
    private static final Duration DRAINED = Duration.ofMillis(200);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SESSION_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);
    private static final int BATCH_RECORDS = 64;
    /** Well under a transaction's limit ({@link TransactionLog#MAX_COMMIT_BYTES}) with one largest record on top. */
    private static final long BATCH_BYTES = 4L << 20;
    private static final long BATCH_MILLIS = 50;
    /** Fences the producer of a redrive that a crash cut off; one redrive at a time, so no live one. */
    static final String TRANSACTIONAL_ID = GROUP;

    private final InhouseBackend backend;

    Redriver(InhouseBackend backend) {
        this.backend = backend;
    }

    /**
     * Consumes as the group {@value #GROUP}, up to the end each partition had when the scan began:
     * a redriven record that fails again and comes back is left for the next redrive, or a poison
     * record would be sent round forever.
     */
    @Override
    protected long scan(String dlqTopic, Predicate<ConsumerRecord> redrive, Predicate<ConsumerRecord> stopAfter) {
        TopicLog topic = backend.log().findTopic(dlqTopic).orElseThrow(() -> new UnknownTopicException(dlqTopic));
        Map<Integer, Long> end = new HashMap<>();
        topic.partitions().forEach(p -> end.put(p.topicPartition().partition(), p.endOffset()));
        // Never dead-letters a dead letter, and so writes no delivery counts: a listing (every 5 s for the
        // upload API's gauge) writes nothing. A slow rate may park between records for long, so a long session.
        GroupConsumerConfig config = GroupConsumerConfig.builder(GROUP).assignor(Assignor.RANGE)
                .maxDeliveries(GroupConsumerConfig.UNLIMITED_DELIVERIES).sessionTimeoutMs(SESSION_TIMEOUT_MS).build();
        try (GroupConsumer consumer = backend.groupConsumer(config); Batch batch = new Batch(consumer)) {
            consumer.subscribe(List.of(dlqTopic));
            // The deadline bounds only the wait for the partition: a slow rate may take far longer in all.
            long deadline = System.nanoTime() + GIVE_UP_NANOS;
            while (true) {
                List<ConsumerRecord> records = consumer.poll(DRAINED);
                if (records.isEmpty() && (!consumer.assignment().isEmpty() || System.nanoTime() - deadline > 0)) {
                    break;
                }
                boolean pastEnd = false;
                for (ConsumerRecord r : records) {
                    if (r.offset() >= end.getOrDefault(r.partition(), 0L)) {
                        pastEnd = true;
                        continue;
                    }
                    if (redrive.test(r)) {
                        batch.add(r);
                    }
                    if (stopAfter != null && stopAfter.test(r)) {
                        return finish(consumer, batch, dlqTopic);
                    }
                }
                batch.commit();
                if (pastEnd) {
                    break;
                }
            }
            return finish(consumer, batch, dlqTopic);
        }
    }

    /** Commits the last copies and the acks of this scan, then as {@link DeadLetterRedriver#finish}. */
    private long finish(GroupConsumer consumer, Batch batch, String dlqTopic) {
        batch.commit();
        consumer.commitSync();
        return finish(dlqTopic, batch.redriven);
    }

    /** The open transaction of copies and the acks of their dead letters; {@link #redriven} counts committed ones. */
    private final class Batch implements AutoCloseable {
        private final GroupConsumer consumer;
        private TransactionalProducer producer;
        private int records;
        private long bytes;
        private long openedNanos;
        long redriven;

        Batch(GroupConsumer consumer) {
            this.consumer = consumer;
        }

        void add(ConsumerRecord deadLetter) {
            ProducerRecord copy = withoutTransactionMarker(DeadLetters.redriveRecord(deadLetter));
            long size = sizeOf(copy);
            if (records > 0 && bytes + size > BATCH_BYTES) {
                commit();
            }
            if (producer == null) {
                producer = backend.transactionalProducer(TRANSACTIONAL_ID);
            }
            if (records == 0) {
                producer.beginTransaction();
                openedNanos = System.nanoTime();
            }
            CompletableFuture<RecordMetadata> sent = producer.send(copy);
            if (sent.isCompletedExceptionally()) {
                // Refused at once (too large, no such partition): the copies before it go back, it waits.
                refused(sent);
            }
            producer.ackInTransaction(consumer, deadLetter);
            records++;
            bytes += size;
            if (records >= BATCH_RECORDS
                    || System.nanoTime() - openedNanos >= TimeUnit.MILLISECONDS.toNanos(BATCH_MILLIS)) {
                commit();
            }
        }

        void commit() {
            if (records == 0) {
                return;
            }
            producer.commitTransaction();
            redriven += records;
            records = 0;
            bytes = 0;
        }

        /** Commits the copies staged before a refused one, then throws the refusal's own exception. */
        private void refused(CompletableFuture<RecordMetadata> sent) {
            if (records == 0) {
                producer.abortTransaction();
            } else {
                commit();
            }
            try {
                sent.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }

        /**
         * The copy without the marker of the transaction that wrote its dead letter's original, if one did:
         * the commit adds the copy's own, and a record redriven again and again would gather one a redrive.
         */
        private static ProducerRecord withoutTransactionMarker(ProducerRecord r) {
            List<Header> headers = r.headers().stream()
                    .filter(h -> !h.key().equals(TransactionCoordinator.TRANSACTION_HEADER)).toList();
            return new ProducerRecord(r.topic(), r.partition(), r.key(), r.value(), r.timestamp(), headers);
        }

        private static long sizeOf(ProducerRecord r) {
            long size = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
            for (Header h : r.headers()) {
                size += h.key().length() + (h.value() == null ? 0 : h.value().length);
            }
            return size;
        }

        /** Drops an uncommitted transaction (a scan that failed): its copies are not written, its dead letters wait. */
        @Override
        public void close() {
            if (producer != null) {
                producer.close();
            }
        }
    }
}
