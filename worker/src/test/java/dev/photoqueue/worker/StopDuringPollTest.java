package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A worker asked to stop while its poll hands it a job (a resize, a version or delivery switch, a
 * replay's pause) processes that job before it leaves: the group counted the hand-out as a
 * delivery, and a delivery is a hand-off to a worker that could process it. Before, the worker
 * dropped the job unannounced, each such stop spent one of the job's deliveries, and the next
 * worker's event said delivery 2 (enough of them dead-letter a good photo).
 */
@Timeout(300)
class StopDuringPollTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aJobHandedOutAsTheStopComesIsProcessedOnItsFirstDelivery() throws Exception {
        WorkerConfig config = config();
        MessageCodec codec = new MessageCodec();
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            try (Producer producer = backend.producer()) {
                produceOneJob(backend, producer, config, codec, "stopped-in-poll");
                // The first worker is told to stop inside the poll that hands it the job.
                ConsumerLoop[] first = new ConsumerLoop[1];
                AtomicInteger handedOut = new AtomicInteger();
                GroupConsumer stoppedInPoll = stoppingInPoll(backend.groupConsumer(member(config, "w-0",
                        Delivery.AT_LEAST_ONCE)), first, handedOut, false);
                first[0] = new ConsumerLoop("w-0", stoppedInPoll, producer, PhotoProcessor.from(config), codec,
                        config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
                run(first[0]);
                assertEquals(1, handedOut.get(), "jobs the stopping worker's poll handed out");
                // A second worker takes whatever the first left, as the next member of the group would.
                ConsumerLoop second = new ConsumerLoop("w-1", backend.groupConsumer(member(config, "w-1",
                        Delivery.AT_LEAST_ONCE)), producer,
                        PhotoProcessor.from(config), codec, config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
                Thread thread = new Thread(second, "after-stop-w-1");
                thread.start();
                SlowJobTest.awaitAllAcked(backend, 1);
                second.requestStop();
                thread.join(WAIT.toMillis());
                assertFalse(thread.isAlive(), "the second worker stopped");
            }
            try (EventLog log = new EventLog(backend)) {
                // Both workers have stopped: every event there will be is in the log.
                List<PhotoProcessed> processed = EventLog.processed(log.readToEnd(WAIT));
                assertEquals(List.of(1), processed.stream().map(PhotoProcessed::deliveryCount).toList(),
                        "delivery counts of the photo's PhotoProcessed events");
                assertEquals(List.of("w-0"), processed.stream().map(PhotoProcessed::workerId).toList(),
                        "the worker that was handed the job processed it");
                assertEquals(List.of(1), log.deliveries().stream().map(PhotoDelivered::deliveryCount).toList(),
                        "deliveries announced");
            }
        }
    }

    @Test
    void anAtMostOnceJobHandedOutAsASwitchOfGuaranteeStopsItsWorkerIsProcessedNotLost() throws Exception {
        WorkerConfig config = config();
        MessageCodec codec = new MessageCodec();
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            try (Producer producer = backend.producer()) {
                produceOneJob(backend, producer, config, codec, "handed-out-at-the-switch");
                // At-most-once, the hand-out is the job's only delivery: the group's position has moved past it.
                ConsumerLoop[] retiring = new ConsumerLoop[1];
                AtomicInteger handedOut = new AtomicInteger();
                GroupConsumer stoppedInPoll = stoppingInPoll(backend.groupConsumer(member(config, "w-0",
                        Delivery.AT_MOST_ONCE)), retiring, handedOut, true);
                retiring[0] = new ConsumerLoop("w-0", stoppedInPoll, producer, PhotoProcessor.from(config), codec,
                        config, new Chaos(), Delivery.AT_MOST_ONCE, null);
                run(retiring[0]);
                assertEquals(1, handedOut.get(), "jobs the retiring worker's poll handed out");
            }
            try (EventLog log = new EventLog(backend)) {
                List<PhotoProcessed> processed = EventLog.processed(log.readToEnd(WAIT));
                assertEquals(List.of("w-0"), processed.stream().map(PhotoProcessed::workerId).toList(),
                        "the at-most-once job, which no one gets again, was run by the worker it was handed to");
            }
        }
    }

    private WorkerConfig config() {
        return WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(), "blob.fsync", "false",
                "poll.timeout.ms", "50"));
    }

    /** The topics, and one photo's job on a partition of its own, its original in the blob store. */
    private static void produceOneJob(QueueBackend backend, Producer producer, WorkerConfig config,
                                      MessageCodec codec, String id) throws Exception {
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 1));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 1));
        BlobStore files = BlobStore.onFileSystem(config.blobDir(), false);
        byte[] photo = SampleImages.eighthSizePhoto("Garden.jpg");
        PhotoUploaded job = new PhotoUploaded(id, files.storeOriginal(id, photo), BlobStore.sha256(photo),
                Instant.now(), null, null);
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                codec.encode(job))).get();
    }

    /**
     * {@code real}, whose poll that hands out a job asks {@code loop[0]} to stop, as a resize or (with
     * {@code forSwitch}) a switch of delivery guarantee does at that moment; counts the jobs handed out.
     */
    private static GroupConsumer stoppingInPoll(GroupConsumer real, ConsumerLoop[] loop, AtomicInteger handedOut,
                                                boolean forSwitch) {
        return (GroupConsumer) Proxy.newProxyInstance(GroupConsumer.class.getClassLoader(),
                new Class<?>[] {GroupConsumer.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("poll") && !((List<?>) result).isEmpty()) {
                        handedOut.addAndGet(((List<?>) result).size());
                        if (forSwitch) {
                            loop[0].leaveUnstartedJobsOnStop();
                        }
                        loop[0].requestStop();
                    }
                    return result;
                });
    }

    private static GroupConsumerConfig member(WorkerConfig config, String clientId, Delivery delivery) {
        return config.consumerConfig(clientId, delivery, ConsumptionMode.ORDERED);
    }

    private static void run(ConsumerLoop loop) throws InterruptedException {
        Thread thread = new Thread(loop, "stop-in-poll-" + loop.workerId());
        thread.start();
        thread.join(WAIT.toMillis());
        assertFalse(thread.isAlive(), loop.workerId() + " stopped when asked");
    }
}
