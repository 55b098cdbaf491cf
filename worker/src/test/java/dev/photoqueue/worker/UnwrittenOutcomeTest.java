package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.inhouse.InhouseTestBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job whose outcome event cannot be written to {@code photo.events} is never acked: the worker
 * releases it, it is delivered again, and after its last allowed delivery the queue dead-letters
 * it with the worker's reason in words. On the in-house log, with real files whose writes under
 * {@code photo.events} fail.
 */
@Timeout(120)
class UnwrittenOutcomeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PHOTO = "garden";

    @TempDir
    Path dir;

    @Test
    void aJobWhoseOutcomeCannotBeWrittenIsReleasedThenDeadLetteredWithTheReasonInWords() throws Exception {
        WorkerConfig config = WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "blob.fsync", "false", "poll.timeout.ms", "50", "max.deliveries", "2"));
        BlobStore files = BlobStore.onFileSystem(config.blobDir(), false);
        PhotoProcessor processor = PhotoProcessor.of(files, config.maxPixels(), VariantSpec.DEFAULTS,
                config.maxSourceBytes());
        MessageCodec codec = new MessageCodec();
        Path queue = dir.resolve("queue").toAbsolutePath().normalize();
        FaultyFileIO io = new FaultyFileIO();
        try (QueueBackend backend = InhouseTestBackends.open(Map.of("data.dir", queue.toString()),
                Env.system().withFiles(io))) {
            OneJob.createTopics(backend);
            io.failAlways(Op.WRITE, FaultyFileIO.under(queue.resolve(Topics.PHOTO_EVENTS)));
            try (Producer producer = backend.producer()) {
                OneJob.send(producer, files, codec, PHOTO, "Garden.jpg");

                ConsumerLoop loop = new ConsumerLoop("w-0", backend.groupConsumer(
                        GroupConsumerConfig.builder(Topics.THUMBNAILERS).clientId("w-0").maxPollRecords(1)
                                .maxDeliveries(2).retryBackoffMs(10).build()),
                        producer, processor, codec, config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
                Thread worker = new Thread(loop, "unwritten-outcome-worker");
                worker.start();
                List<ConsumerRecord> dead = awaitDeadLetter(backend);
                loop.requestStop();
                worker.join(WAIT.toMillis());
                assertFalse(worker.isAlive(), "the worker stopped when asked");

                ConsumerRecord letter = dead.get(0);
                assertEquals(PHOTO, letter.keyAsString());
                assertEquals("2", letter.header(DeadLetters.DELIVERY_COUNT).valueAsString(),
                        "delivered twice, released both times");
                String error = letter.header(DeadLetters.ERROR).valueAsString();
                assertTrue(error.startsWith("publishing the outcome failed: the outcome event of photo " + PHOTO
                        + " was not written to photo.events: cannot append "), error);
                assertFalse(error.contains("Exception") || error.contains("java."), "no Java type's name: " + error);
            }
        }
    }

    /** Waits until the job is dead-lettered; none while the queue has not created the dead-letter topic. */
    private static List<ConsumerRecord> awaitDeadLetter(QueueBackend backend) throws InterruptedException {
        String topic = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<ConsumerRecord> dead = backend.admin().listTopics().contains(topic)
                    ? backend.admin().deadLetters(topic) : List.of();
            if (!dead.isEmpty()) {
                return dead;
            }
            assertTrue(System.nanoTime() < deadline, "the job was not dead-lettered within " + WAIT);
            Thread.sleep(20);
        }
    }
}
