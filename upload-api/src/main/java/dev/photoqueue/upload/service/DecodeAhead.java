package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Decodes batches of records on a thread of its own while the caller applies the batches before
 * them: a two-stage pipeline for a reader whose decoding (JSON to messages) would otherwise share
 * one core with its applying. Batches come back from {@link #next} in the order they were handed to
 * {@link #submit}, records in their order, so applying them in turn applies every record in the order
 * it was read. At most {@code depth} batches are in flight (handed in, not yet taken back); the
 * caller takes the oldest back before handing in more ({@link #full}).
 *
 * <p>A decoder's exception is not lost and does not stop the batch: it is thrown to the caller when
 * it takes that record's message ({@link Batch#message}), where decoding inline would have thrown it.
 *
 * <p>Thread-safety: one caller thread (submit, next, close); the decoder runs on the pipeline's thread.
 */
final class DecodeAhead implements AutoCloseable {

    /** The records of one batch and their messages as the decoder read them. */
    static final class Batch {
        private final List<ConsumerRecord> records;
        private final Object[] messages;

        private Batch(List<ConsumerRecord> records, Object[] messages) {
            this.records = records;
            this.messages = messages;
        }

        List<ConsumerRecord> records() {
            return records;
        }

        /** The decoder's result for the {@code i}-th record; rethrows what the decoder threw for it. */
        Object message(int i) {
            if (messages[i] instanceof Failed failed) {
                throw failed.error;
            }
            return messages[i];
        }
    }

    /** What the decoder threw for one record. */
    private record Failed(RuntimeException error) {
    }

    private final Function<ConsumerRecord, Object> decoder;
    private final int depth;
    private final ExecutorService thread;
    private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();

    /** A pipeline decoding with {@code decoder} on a daemon thread named {@code threadName}. */
    DecodeAhead(Function<ConsumerRecord, Object> decoder, int depth, String threadName) {
        if (depth < 1) {
            throw new IllegalArgumentException("a decode pipeline's depth must be >= 1, was " + depth);
        }
        this.decoder = decoder;
        this.depth = depth;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands a batch in to be decoded (an empty one is ignored). The caller must not exceed the depth. */
    void submit(List<ConsumerRecord> records) {
        if (inFlight.size() >= depth) {
            throw new IllegalStateException("the decode pipeline holds " + inFlight.size()
                    + " batches, its depth; take one back first");
        }
        if (!records.isEmpty()) {
            inFlight.add(thread.submit(() -> decode(records)));
        }
    }

    /** True when the depth is reached: take a batch back before handing in another. */
    boolean full() {
        return inFlight.size() >= depth;
    }

    /** True when no batch is in flight. */
    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /**
     * The oldest batch in flight, decoded, waiting for its decoding to finish. It waits through an
     * interrupt (decoding a batch is short) and sets the interrupt flag again after.
     */
    Batch next() {
        Future<Batch> oldest = inFlight.remove();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return oldest.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    // decode() catches what the decoder throws; anything else is a failure of the pipeline
                    throw new IllegalStateException("decoding a batch of records failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the thread; batches still in flight are dropped. */
    @Override
    public void close() {
        inFlight.clear();
        thread.shutdownNow();
    }

    private Batch decode(List<ConsumerRecord> records) {
        Object[] messages = new Object[records.size()];
        for (int i = 0; i < messages.length; i++) {
            try {
                messages[i] = decoder.apply(records.get(i));
            } catch (RuntimeException e) {
                messages[i] = new Failed(e);
            }
        }
        return new Batch(records, messages);
    }
}
