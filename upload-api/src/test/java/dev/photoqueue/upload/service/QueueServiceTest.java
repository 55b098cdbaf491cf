package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backlog uploads are admitted against, on the in-house log with a real consumer group, and a
 * clock held still so that the cache never expires by itself.
 */
class QueueServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The in-house backend in the test's folder, with the jobs' topic in {@code partitions} partitions. */
    private QueueBackend openWithJobs(int partitions) {
        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
        backend.admin().createTopicIfAbsent(new NewTopic(Topics.PHOTO_UPLOADED, partitions));
        return backend;
    }

    @Test
    void aBacklogThatEmptiedSinceTheCachedLookIsSeenAtOnceByAdmission() throws Exception {
        try (QueueBackend backend = openWithJobs(2)) {
            try (Producer producer = backend.producer();
                 GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS).build())) {
                for (int i = 0; i < 2; i++) {
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "k" + i, "job " + i)).get(WAIT.toSeconds(),
                            TimeUnit.SECONDS);
                }
                worker.subscribe(List.of(Topics.PHOTO_UPLOADED));
                List<ConsumerRecord> jobs = pollUntil(worker, 2);
                QueueService queue = new QueueService(backend, () -> 1_000_000L);
                assertEquals(2, queue.backlogNow(), "both jobs are taken, none is done");

                jobs.forEach(worker::ack);
                worker.commitSync();
                assertEquals(2, queue.backlog(), "the cached look still has both jobs waiting");
                assertEquals(0, queue.backlogNow(), "admission asks the group again: no upload is refused for "
                        + "a stale figure");
                assertEquals(0, queue.backlog(), "and the fresh look is cached");
            }
        }
    }

    @Test
    void aGroupThatStartedAndCaughtUpSinceTheCachedLookIsSeenAtOnceByAdmission() throws Exception {
        try (QueueBackend backend = openWithJobs(2)) {
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 2; i++) {
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "k" + i, "job " + i)).get(WAIT.toSeconds(),
                            TimeUnit.SECONDS);
                }
                QueueService queue = new QueueService(backend, () -> 1_000_000L);
                // no worker has run yet: every stored job waits, and the cache remembers that no group exists
                assertEquals(2, queue.backlog());
                try (GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                        .build())) {
                    worker.subscribe(List.of(Topics.PHOTO_UPLOADED));
                    pollUntil(worker, 2).forEach(worker::ack);
                    worker.commitSync();
                    assertEquals(2, queue.backlog(), "the cache still remembers no group");
                    assertEquals(0, queue.backlogNow(), "the workers started and caught up since the cached look");
                }
            }
        }
    }

    @Test
    void aJobSentSinceTheCachedLookIsSeenByAdmission() throws Exception {
        try (QueueBackend backend = openWithJobs(1)) {
            try (Producer producer = backend.producer();
                 GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS).build())) {
                worker.subscribe(List.of(Topics.PHOTO_UPLOADED));
                QueueService queue = new QueueService(backend, () -> 1_000_000L);
                assertEquals(0, queue.backlog());
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "k", "job")).get(WAIT.toSeconds(),
                        TimeUnit.SECONDS);
                assertEquals(0, queue.backlog(), "the cached look does not know the job yet");
                assertEquals(1, queue.backlogNow(), "admission does: a stale figure would let one upload too many in");
            }
        }
    }

    /**
     * Many uploads asking at once, each as soon as the one before it was answered: none is turned
     * away while no lookup is stuck. A lookup whose thread has answered but not yet gone back to
     * its pool still counted against the limit of lookups at once, and refused uploads on a busy
     * machine.
     */
    @Test
    void callersAskingAtOnceAreNeverRefusedWhileNoLookupIsStuck() throws Exception {
        try (QueueBackend backend = openWithJobs(2)) {
            QueueService queue = new QueueService(backend);
            int callers = 4 * QueueService.MAX_LOOKUPS;
            int callsEach = 500;
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Integer>> answered = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    answered.add(pool.submit(() -> {
                        for (int i = 0; i < callsEach; i++) {
                            assertEquals(0, queue.backlogWithin(WAIT, ""));
                        }
                        return callsEach;
                    }));
                }
                for (Future<Integer> f : answered) {
                    assertEquals(callsEach, f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<ConsumerRecord> pollUntil(GroupConsumer worker, int count) {
        List<ConsumerRecord> polled = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (polled.size() < count) {
            assertTrue(System.nanoTime() < deadline, "the member got " + polled.size() + " of " + count
                    + " jobs within " + WAIT);
            polled.addAll(worker.poll(Duration.ofMillis(100)));
        }
        return polled;
    }
}
