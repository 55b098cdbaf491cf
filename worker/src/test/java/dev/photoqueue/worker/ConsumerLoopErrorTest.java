package dev.photoqueue.worker;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * An {@link OutOfMemoryError} in a job is no transient failure of the photo: it is not caught and
 * retried by the worker that hit it (no release, no failure event), it ends that worker's loop
 * with the job unsettled, and the job is then delivered to the next member and done. On the
 * in-house log, with real files.
 */
@Timeout(120)
class ConsumerLoopErrorTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PHOTO = "heavy";

    @TempDir
    Path dir;

    @Test
    void outOfMemoryEndsTheLoopUnsettledAndTheJobIsDoneByTheNextMember() throws Exception {
        WorkerConfig config = WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "blob.fsync", "false", "session.timeout.ms", "3000", "poll.timeout.ms", "50"));
        BlobStore files = BlobStore.onFileSystem(config.blobDir(), false);
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        PhotoProcessor processor = PhotoProcessor.of(firstReadRunsOutOfHeap(files, oom), config.maxPixels(),
                VariantSpec.DEFAULTS, config.maxSourceBytes());
        MessageCodec codec = new MessageCodec();
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            OneJob.createTopics(backend);
            try (Producer producer = backend.producer()) {
                OneJob.send(producer, files, codec, PHOTO, "Garden.jpg");

                CompletableFuture<Throwable> firstEnded = new CompletableFuture<>();
                Thread first = new Thread(loop("w-0", backend, producer, processor, codec, config), "oom-worker-0");
                first.setUncaughtExceptionHandler((t, e) -> firstEnded.complete(e));
                first.start();
                assertSame(oom, firstEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                        "the worker's loop ended with the error its job threw");
                first.join(WAIT.toMillis());
                assertFalse(first.isAlive(), "the first worker's thread ended");

                ConsumerLoop next = loop("w-1", backend, producer, processor, codec, config);
                Thread second = new Thread(next, "oom-worker-1");
                second.start();
                SlowJobTest.awaitAllAcked(backend, 1);
                next.requestStop();
                second.join(WAIT.toMillis());
                assertFalse(second.isAlive(), "the second worker stopped when asked");
            }
            try (EventLog log = new EventLog(backend)) {
                List<PhotoEvent> events = log.readToEnd(WAIT);
                List<PhotoProcessed> processed = EventLog.processed(events);
                assertEquals(1, processed.size(), "one outcome: " + events);
                assertEquals("w-1", processed.get(0).workerId(), "done by the next member: " + events);
                assertEquals(List.of(), EventLog.failed(events), "no failure reported for an Error: " + events);
                assertEquals(List.of(), log.releases(), "the job was not released as a transient failure");
                assertEquals(2, log.deliveries().size(), "delivered to each worker once: " + log.deliveries());
            }
        }
    }

    private static ConsumerLoop loop(String workerId, QueueBackend backend, Producer producer,
                                     PhotoProcessor processor, MessageCodec codec, WorkerConfig config) {
        return new ConsumerLoop(workerId, backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                .clientId(workerId).sessionTimeoutMs(config.sessionTimeoutMs()).maxPollRecords(1).build()),
                producer, processor, codec, config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
    }

    /** {@code files}, whose first read of an original throws {@code oom}, as a decode too big for the heap does. */
    private static BlobStore firstReadRunsOutOfHeap(BlobStore files, OutOfMemoryError oom) {
        AtomicBoolean thrown = new AtomicBoolean();
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("readOriginal") && thrown.compareAndSet(false, true)) {
                        throw oom;
                    }
                    try {
                        return method.invoke(files, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
